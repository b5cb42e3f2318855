"""The ``mutasi`` command: thin wrappers around the package.

Every user-facing problem is raised as :class:`~mutasi_analysis.errors.MutasiError` and printed
here as one message, without a traceback, with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .environment import KERNEL_NAME
from .did.errors import DiDError
from .errors import MutasiError, environment_fault, is_environment_fault
from .project import resolve_path


# Paths default to the project's ([tool.mutasi] in pyproject.toml, found from any folder inside it).
REGION_HELP = "region config, TOML (default: the project's, [tool.mutasi] region in pyproject.toml)"


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import write_demo_data, write_demo_regions

    if args.regions is not None:  # many regions: into the project's layout (issue 14)
        from .project import find_project

        n = args.regions.strip()
        if not n.isdigit() or int(n) < 1:
            raise MutasiError(f"--regions must be a whole number of at least 1, not {args.regions!r}")
        if args.out is not None or args.dirty:
            raise MutasiError("--regions writes into the project's region folders: drop --out and --dirty")
        project = find_project()
        # --region names the config the demo regions copy (region 1's offices, every other setting).
        print(write_demo_regions(project.root, int(n), args.seed, fmt=args.format, scale=args.scale,
                                 project=project, base=Path(args.region) if args.region else None).describe())
        return 0
    result = write_demo_data(
        out=resolve_path(args.out, "raw"), seed=args.seed, region=resolve_path(args.region, "region"), fmt=args.format,
        dirty=args.dirty, scale=args.scale,
    )
    print(result.describe())
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from .templates import parse_tables, write_templates

    tables = parse_tables(args.tables)  # an unknown name is refused before the config is read
    out = Path(args.out)
    paths = write_templates(out, region=resolve_path(args.region, "region"), tables=tables, lang=args.lang,
                            force=args.force)
    print(f"Input templates written to {out}:")
    for path in paths:
        print(f"  {path.name}")
    print("Fill the first sheet of each (the sheet Petunjuk explains every column), put the files in "
          "the raw folder and run `mutasi ingest`.")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest

    summary = ingest(raw=resolve_path(args.raw, "raw"), out=resolve_path(args.out, "processed"),
                     region=resolve_path(args.region, "region"))
    print(summary.to_text())
    return 0


def _cmd_key_show(args: argparse.Namespace) -> int:
    from .pseudonym import key_id, key_source, load_key, processed_key_id

    processed = resolve_path(args.processed, "processed")
    mine = key_id(load_key(create=False))
    theirs = processed_key_id(processed)
    print(f"key in use:       {mine}  ({key_source()})")
    if theirs is None:
        print(f"processed folder: no fingerprint in {processed} (not ingested yet)")
        return 0
    print(f"processed folder: {theirs}  ({processed})")
    if theirs == mine:
        print("The key in use matches the processed data: pseudonyms stay the same from period to period.")
        return 0
    print("The key in use does not match the processed data: restore the key it was made with, or "
          "re-pseudonymise on purpose with `mutasi key rotate --yes`.")
    return 1


def _cmd_key_rotate(args: argparse.Namespace) -> int:
    from .ingest import ingest
    from .pseudonym import (KEY_ENV, PseudonymKeyError, install_key_file, key_file_path, key_id, load_key,
                            new_key_file, processed_key_id)

    if KEY_ENV in os.environ:
        raise PseudonymKeyError(
            f"the key comes from ${KEY_ENV}, which mutasi cannot rotate: unset it to rotate the key file "
            f"({key_file_path()}), or put a new key in the variable yourself and ingest into a new --out folder"
        )
    raw, out = resolve_path(args.raw, "raw"), resolve_path(args.out, "processed")
    region = resolve_path(args.region, "region")
    path = key_file_path()
    if not args.yes:
        print(
            f"mutasi key rotate makes a new pseudonym key and re-pseudonymises the processed data:\n"
            f"  - the key file {path} is moved aside to {path.name}.<timestamp>.old (never deleted);\n"
            f"  - a new random key is written to {path} (mode 0600);\n"
            f"  - {raw} is ingested again into {out} with the new key: every pid changes, so\n"
            f"    earlier reports and candidate lists no longer match the new pseudonyms.\n"
            f"Run `mutasi key rotate --yes` to do it.",
            file=sys.stderr,
        )
        return 2
    try:
        old = key_id(load_key(create=False))
    except PseudonymKeyError:  # no key yet, or a damaged one: nothing to compare with
        old = processed_key_id(out)
    tmp, key = new_key_file(path)
    try:
        summary = ingest(raw, out, region, new_key=key)
        aside = install_key_file(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    print(summary.to_text())
    print(f"New pseudonym key {key_id(key)} in {path}" + (f" (was {old})" if old else "") + ".")
    if aside is not None:
        print(f"The old key is kept in {aside}: keep it as long as you keep data made with it.")
    return 0


def _cmd_reidentify(args: argparse.Namespace) -> int:
    from .reidentify import reidentify

    reidentify(plan=Path(args.plan), raw=resolve_path(args.raw, "raw"), out=Path(args.out) if args.out else None,
               region=resolve_path(args.region, "region"))
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from .planning import run_plan
    from .reporting.cli import _today

    out = run_plan(period=args.period, region=resolve_path(args.region, "region"),
                   processed=resolve_path(args.processed, "processed"), out=Path(args.out) if args.out else None,
                   lang=args.lang, seed=args.seed, n_sim=args.n_sim, n_perm=args.n_perm, power=not args.no_power,
                   today=_today(args.today))
    print(out)
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from .environment import describe, doctor

    lock = Path(args.lock) if args.lock else None
    problems = doctor(lock=lock, kernel=args.kernel)
    stream = sys.stderr if problems else sys.stdout
    print(describe(problems, lock=lock), file=stream)
    return 1 if problems else 0


def _cmd_cite(args) -> int:
    from .reporting.citation import cite
    from .reporting.index import lang_root

    root = lang_root(resolve_path(args.reports, "reports"), args.lang)
    period = args.period
    if period.strip().lower() == "latest":  # the newest period with a rendered report
        from .reporting.index import report_folders

        found = [name for name, _, _ in report_folders(root)]
        if not found:
            raise MutasiError(f"{root}: no rendered report yet; run `mutasi report --period latest` first")
        period = found[-1]  # report_folders lists them in period order
    folder = root / period
    if not folder.is_dir():
        raise MutasiError(f"{folder}: no rendered report of {period}; run `mutasi report --period "
                          f"{period}{' --lang en' if args.lang == 'en' else ''}` first")
    print(cite(folder, args.lang))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mutasi",
        description="Evaluation toolkit for civil-servant rotation (mutasi ASN).",
    )
    parser.add_argument("--version", action="version", version=f"mutasi-analysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo-data", help="write a realistic demo raw data set with a known truth")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    p.add_argument("--out", default=None, help="output folder (default: the project's raw folder, data/raw)")
    p.add_argument("--format", choices=("csv", "xlsx", "template"), default="csv",
                   help="file format; template: the XLSX input templates (mutasi template) filled with the demo rows")
    p.add_argument("--region", default=None, help=REGION_HELP)
    p.add_argument("--dirty", action="store_true", help="plant realistic faults and list them")
    p.add_argument("--scale", type=float, default=1.0, help="multiply staff and complaints (benchmarks)")
    p.add_argument("--regions", default=None, metavar="N",
                   help="write N demo regions (a kota's kecamatan, then made-up ones) into the project's "
                   "region folders, with each one's truth and the pooled one; --region then names the config they "
                   "copy (default: the project's)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "template", help="write XLSX input templates (one per raw table) that check entries as they are typed",
        description="Write <table>.xlsx for each raw table of the contract (data/raw/README.md): the "
        "contract's headers on the first sheet, data validation (unit codes from the region config, "
        "codes, answer ranges, dates, NIPs as text) and a sheet Petunjuk explaining each column. "
        "A filled template is read by `mutasi ingest` as it is.",
    )
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.add_argument("--tables", default=None,
                   help="comma-separated raw tables, e.g. skm,pengaduan (default: every table of the contract)")
    p.add_argument("--region", default=None, help=REGION_HELP)
    p.add_argument("--lang", choices=("id", "en"), default="id",
                   help="language of the guide sheet and the messages (default: id; headers stay the contract's)")
    p.add_argument("--force", action="store_true", help="overwrite templates already in --out")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("ingest", help="validate and pseudonymise raw exports into data/processed")
    p.add_argument("--raw", default=None, help="folder of raw exports (default: the project's, data/raw)")
    p.add_argument("--out", default=None, help="output folder (default: the project's, data/processed)")
    p.add_argument("--region", default=None, help=REGION_HELP)
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("key", help="show or rotate the pseudonym key (its fingerprint, never the key)")
    key_sub = p.add_subparsers(dest="key_command", required=True, metavar="ACTION")
    k = key_sub.add_parser("show", help="fingerprint of the key in use and of the processed data; do they match")
    k.add_argument("--processed", default=None, help="processed folder (default: the project's, data/processed)")
    k.set_defaults(func=_cmd_key_show)
    k = key_sub.add_parser(
        "rotate", help="make a new key (the old one is kept) and re-pseudonymise by ingesting again",
        description="Move the key file aside (with a timestamp), write a new random key and ingest the raw "
        "data again with it: every pid changes. Without --yes, say what would happen and exit 2.",
    )
    k.add_argument("--yes", action="store_true", help="do it (every pseudonym changes)")
    k.add_argument("--raw", default=None, help="folder of raw exports (default: the project's, data/raw)")
    k.add_argument("--out", default=None, help="processed folder (default: the project's, data/processed)")
    k.add_argument("--region", default=None, help=REGION_HELP)
    k.set_defaults(func=_cmd_key_rotate)

    p = sub.add_parser(
        "reidentify", help="for the pseudonym key holder only: put NIP and name back into a rotation plan",
        description="For the pseudonym key holder only (who holds the key and the raw export): read a plan workbook "
        "written by `mutasi plan` (staff named by pseudonym), check that the key in use is the one the plan "
        "was made with, and write a copy with each person's NIP and name (mode 0600) into the project's "
        "restricted folder. The output names people: never share it with the report, never commit it.",
    )
    p.add_argument("--plan", required=True, help="plan workbook written by `mutasi plan` (rencana-mutasi-<period>.xlsx)")
    p.add_argument("--raw", default=None, help="folder of raw exports the data were ingested from "
                   "(default: the project's, data/raw)")
    p.add_argument("--out", default=None, help="output xlsx (default: <restricted>/<region code>/reidentified/"
                   "rencana-mutasi-<period>-nama.xlsx); never inside reports, processed data or a git work tree")
    p.add_argument("--region", default=None, help=REGION_HELP)
    p.set_defaults(func=_cmd_reidentify)

    p = sub.add_parser(
        "plan", help="propose the next rotation wave: needs, eligible staff, moves, training, a randomised rollout",
        description="Plan a rotation wave from the processed data: staff needs against the formasi table, "
        "who may move under the rotation rules (each exclusion with its legal basis), moves proposed by a small "
        "integer program (caps and weights in [planning] of the region config), training before the move for "
        "groups whose rotated staff were often unready, units assigned to waves at random (a stepped wedge) and "
        "the power of that rollout. Writes rencana-mutasi-<period>.xlsx (staff by pseudonym only, mode 0600) "
        "to the restricted folder; exit code 1 when no plan satisfies the rules (naming the binding one), 2 for "
        "bad input.",
    )
    p.add_argument("--period", default="next", help="the period the wave falls in: 'next' (default: after the "
                   "latest complete period the data cover, or later, so that the first wave is in the future) or an "
                   "id (2027-S1) whose first wave is after today")
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="the date the plan is made on "
                   "(default: today, or $MUTASI_TODAY)")
    p.add_argument("--region", default=None, help=REGION_HELP)
    p.add_argument("--processed", default=None, help="processed data folder (default: the project's)")
    p.add_argument("--out", default=None, help="plan workbook (default: <restricted>/<region code>/rencana/"
                   "rencana-mutasi-<period>.xlsx); never inside reports, processed data or a git work tree")
    p.add_argument("--lang", choices=("id", "en"), default=None, help="language (default: the config's [report] lang)")
    p.add_argument("--seed", type=int, default=None, help="seed of the wave draw and the power simulation "
                   "(default: [planning] seed)")
    p.add_argument("--n-sim", type=int, default=500, help="power simulations (default: 500)")
    p.add_argument("--n-perm", type=int, default=999, help="permutations per simulation (default: 999)")
    p.add_argument("--no-power", action="store_true", help="skip the power of the rollout (faster)")
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser(
        "doctor", help="check that packages, the Jupyter kernel and PDF libraries match the lock",
        description="Compare the running environment with requirements-lock.txt: every locked "
        "package at its pinned version, the Jupyter kernel the reports run on, and the system "
        "libraries of the PDF export. One line per problem, with what to run; exit code 1 when "
        "anything differs.",
    )
    p.add_argument("--lock", default=None, help="lock file (default: requirements-lock.txt of the checkout)")
    p.add_argument("--kernel", default=KERNEL_NAME, help=f"Jupyter kernel name (default: {KERNEL_NAME})")
    p.set_defaults(func=_cmd_doctor)

    p = sub.add_parser(
        "cite", help="print the suggested methods paragraph and references of a rendered report",
        description="Print a methods paragraph for a rendered period (toolkit version and commit, "
        "comparison group, inference and draws, read from its manifest and results) and the works "
        "it cites. The software itself is cited with CITATION.cff.",
    )
    p.add_argument("--period", required=True, help="a rendered period id (2026-S1), or 'latest' (the newest rendered)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language (default: id)")
    p.add_argument("--reports", default=None, help="reports root (default: the project's, reports)")
    p.set_defaults(func=_cmd_cite)

    try:
        from .reporting.cli import add_report_parser
    except ImportError:  # the report pipeline is optional while it is being built
        add_report_parser = None
    if add_report_parser is not None:
        add_report_parser(sub)
    from .batch_cli import add_batch_parser

    add_batch_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mutasi`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    sys.stdout = _QuietPipe(sys.stdout)
    try:
        return int(args.func(args) or 0)
    except MutasiError as exc:
        print(f"mutasi {args.command}: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except DiDError as exc:  # the statistics package's own data errors, mapped here (did/ knows no CLI)
        print(f"mutasi {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the machine: a read-only or full disk, a missing folder
        if not is_environment_fault(exc):
            raise  # a library's own error or a bug: shown in full, never passed off as the disk's
        fault = environment_fault(exc)
        print(f"mutasi {args.command}: error: {fault.message}", file=sys.stderr)
        return fault.exit_code
    except KeyboardInterrupt:
        print(f"mutasi {args.command}: interrupted", file=sys.stderr)
        return 130
    finally:
        sys.stdout = sys.stdout.stream if isinstance(sys.stdout, _QuietPipe) else sys.stdout


class _QuietPipe:
    """stdout that goes quiet when its reader leaves (``mutasi report | head -1``).

    The run goes on (a report half-rendered because nobody read its progress would be worse);
    later output is discarded, and the interpreter does not complain at exit.
    """

    def __init__(self, stream):
        self.stream, self.broken = stream, False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._silence()

    def _silence(self) -> None:
        import os

        self.broken = True
        try:  # later writes by anyone (and the flush at exit) go nowhere
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())
        except (OSError, ValueError):
            pass

    def __getattr__(self, name):
        return getattr(self.stream, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
