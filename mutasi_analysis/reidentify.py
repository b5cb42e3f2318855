"""Back to names, for the key holder only: a rotation plan by pseudonym -> the same plan with NIP and name.

A rotation plan (``mutasi plan``, ``rencana-mutasi-<period>.xlsx``) names staff only by their
pseudonym ``pid`` (:func:`mutasi_analysis.pseudonym.pseudonymise`). The person who holds the
pseudonym key and the raw export turns it back into names with ``mutasi reidentify``
(:func:`reidentify`); nobody else can, and the result must never travel with the report.

The plan workbook's machine-readable contract is two hidden sheets, written by
:func:`write_machine_sheets` and read by :func:`read_plan`:

``_meta``
    Two columns ``key`` and ``value``, one row per item. Required: ``pseudonym_key_id`` (the
    fingerprint :func:`~mutasi_analysis.pseudonym.key_id` of the key that made the pids, 16
    hex characters), ``period`` (e.g. ``2026-S2``) and ``region`` (the region code, ``[region]
    code`` of the region config). Others (``created``, ``version``, ...) are kept as they are.
``_data``
    The moves as a table: a header row of canonical column names (at least ``pid``; the planner
    writes e.g. ``pid``, ``asal``, ``tujuan``, ``gelombang``, ``tanggal_pindah``, ``pelatihan``,
    ``alasan``), then one row per move. Cells are values (text, numbers, dates), never formulas:
    a text starting with ``=``, ``+``, ``-`` or ``@`` is stored as text.

:func:`reidentify` checks that the key in use is the plan's (by fingerprint, never showing the
key), reads ``pegawai`` from the raw folder with the ingestion's own reader
(:func:`mutasi_analysis.readers.read_raw`: CSV or XLSX, header aliases) and NIP cleaning
(:func:`mutasi_analysis.nip.clean_nip`), pseudonymises the NIPs and adds ``nip`` and ``nama``
next to ``pid``. The output (mode 0600, folders 0700) goes to the project's restricted folder
by default and is refused inside the reports, the processed data or a git work tree that does
not ignore it. Nothing personal is printed: one line names the file and the counts.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Callable

import pandas as pd

from .files import replaced_atomically
from .errors import DataError, MutasiError
from .pseudonym import KEY_FILE_ENV, PseudonymKeyError, _inside_git, key_id, key_source, load_key, pseudonymise

__all__ = [
    "META_SHEET",
    "DATA_SHEET",
    "META_REQUIRED",
    "PlanFileError",
    "UnsafeOutputError",
    "write_machine_sheets",
    "read_plan",
    "reidentify",
    "default_output",
]

#: Hidden sheet of the plan workbook holding its metadata (columns ``key``, ``value``).
META_SHEET = "_meta"
#: Hidden sheet of the plan workbook holding the moves (header row of canonical names, one row per move).
DATA_SHEET = "_data"
#: Metadata every plan must carry.
META_REQUIRED = ("pseudonym_key_id", "period", "region")
#: Folder under ``<restricted>/<region code>/`` for reidentified plans.
REIDENTIFIED_DIR = "reidentified"

_KEY_ID = re.compile(r"[0-9a-f]{16}")
_PID = re.compile(r"[0-9a-f]{16}")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# What a spreadsheet would run as a formula (the OWASP rule of ingest._csv_safe): such text is
# stored as text with Excel's quote prefix, never as a formula and never altered.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_PLAN_MB = 50


class PlanFileError(DataError):
    """The plan workbook is missing, not an xlsx, or lacks the sheets or columns of the contract."""


class UnsafeOutputError(MutasiError):
    """The reidentified plan would land where it could be published or committed, or cannot be made."""


# -- writing the contract (used by the planner) ----------------------------------------------------

def _cell_value(v):
    """A value openpyxl can store as a value: text, number, date; NA becomes an empty cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        v = v.item()
    if isinstance(v, (bool, int, float, dt.date, dt.datetime, dt.time)):
        return v
    return ILLEGAL_CHARACTERS_RE.sub("", str(v))


def _put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col, value=_cell_value(value))
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.data_type = "s"  # openpyxl would write "=..." as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def write_machine_sheets(workbook, moves: pd.DataFrame, meta: dict) -> None:
    """Add the hidden sheets ``_meta`` and ``_data`` of the plan contract to an openpyxl workbook.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        The plan workbook being written (its visible sheets are the planner's).
    moves : pandas.DataFrame
        One row per move; columns are canonical names (at least ``pid``, 16 hex characters per
        row). Values are written as text, numbers or dates; a text that starts like a formula
        (``= + - @``) stays text.
    meta : dict
        At least ``pseudonym_key_id`` (16 hex characters), ``period`` and ``region`` (the region
        code); more items (``created``, ``version``, ...) are written as they are.

    Raises
    ------
    ValueError
        When ``meta`` lacks a required item or has a malformed key id, when ``moves`` has no
        ``pid`` column, a blank or malformed pid, or repeated or blank column names, or when the
        workbook already holds a sheet of either name.
    """
    missing = [k for k in META_REQUIRED if meta.get(k) is None or not str(meta.get(k)).strip()]
    if missing:
        raise ValueError(f"plan metadata lacks {', '.join(missing)}")
    if not _KEY_ID.fullmatch(str(meta["pseudonym_key_id"])):
        raise ValueError("meta['pseudonym_key_id'] must be the 16 hex characters of pseudonym.key_id(key)")
    cols = [str(c) for c in moves.columns]
    if "pid" not in cols:
        raise ValueError("moves must have a 'pid' column")
    if any(not c.strip() for c in cols) or len(set(cols)) != len(cols):
        raise ValueError(f"moves has blank or repeated column names: {cols}")
    bad = ~moves["pid"].astype("string").str.fullmatch(_PID.pattern).fillna(False)
    if bad.any():
        raise ValueError(f"moves has {int(bad.sum())} pid value(s) that are not 16 hex characters")
    for name in (META_SHEET, DATA_SHEET):
        if name in workbook.sheetnames:
            raise ValueError(f"the workbook already has a sheet {name}")

    ws = workbook.create_sheet(META_SHEET)
    _put(ws, 1, 1, "key")
    _put(ws, 1, 2, "value")
    for i, (k, v) in enumerate(meta.items(), start=2):
        _put(ws, i, 1, str(k))
        _put(ws, i, 2, v)
    ws.sheet_state = "hidden"

    ws = workbook.create_sheet(DATA_SHEET)
    for j, c in enumerate(cols, start=1):
        _put(ws, 1, j, c)
    for i, row in enumerate(moves.itertuples(index=False, name=None), start=2):
        for j, v in enumerate(row, start=1):
            _put(ws, i, j, v)
    ws.sheet_state = "hidden"


# -- reading it back -------------------------------------------------------------------------------

def _not_a_plan(path: Path, why: str) -> PlanFileError:
    return PlanFileError(f"{path} is not a plan workbook written by `mutasi plan`: {why}")


def _plain(v):
    """A cell as read: dates at midnight become dates, text is kept as written."""
    if isinstance(v, dt.datetime) and v.time() == dt.time(0) and v.tzinfo is None:
        return v.date()
    return v


def read_plan(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read the moves and metadata of a plan workbook (the hidden sheets ``_data`` and ``_meta``).

    Parameters
    ----------
    path : path
        ``rencana-mutasi-<period>.xlsx`` written by ``mutasi plan``.

    Returns
    -------
    moves : pandas.DataFrame
        One row per move, the ``_data`` columns in their order (``pid`` as text); cells as
        written (text, numbers, dates; blank cells NA).
    meta : dict
        The ``_meta`` items, values as written.

    Raises
    ------
    PlanFileError
        When the file is missing, is not an xlsx workbook, or lacks a sheet, a required
        metadata item, the ``pid`` column, or has a malformed pid or key id; the message names
        the file.
    """
    from openpyxl import load_workbook

    path = Path(path)
    if not path.exists():
        raise PlanFileError(f"plan workbook {path} does not exist; pass the rencana-mutasi-<period>.xlsx "
                            "written by `mutasi plan`")
    if not path.is_file():
        raise PlanFileError(f"{path} is not a file; pass the plan workbook (rencana-mutasi-<period>.xlsx)")
    if path.stat().st_size > _MAX_PLAN_MB * 1024 * 1024:
        raise _not_a_plan(path, f"it is over {_MAX_PLAN_MB} MB")
    if not zipfile.is_zipfile(path):
        raise _not_a_plan(path, "it is not an xlsx workbook")
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for a damaged or foreign zip
        raise _not_a_plan(path, "it is not an xlsx workbook openpyxl can read") from None
    try:
        for name in (META_SHEET, DATA_SHEET):
            if name not in wb.sheetnames:
                raise _not_a_plan(path, f"it has no sheet {name}")
        meta_rows = [r for r in wb[META_SHEET].iter_rows(values_only=True) if any(v is not None for v in r)]
        data_rows = [r for r in wb[DATA_SHEET].iter_rows(values_only=True) if any(v is not None for v in r)]
    finally:
        wb.close()

    if not meta_rows or [str(v).strip() if v is not None else "" for v in meta_rows[0][:2]] != ["key", "value"]:
        raise _not_a_plan(path, f"sheet {META_SHEET} lacks its header row key, value")
    meta = {}
    for r in meta_rows[1:]:
        if r and r[0] is not None and str(r[0]).strip():
            meta[str(r[0]).strip()] = _plain(r[1]) if len(r) > 1 else None
    missing = [k for k in META_REQUIRED if meta.get(k) is None or not str(meta[k]).strip()]
    if missing:
        raise _not_a_plan(path, f"sheet {META_SHEET} lacks {', '.join(missing)}")
    meta["pseudonym_key_id"] = str(meta["pseudonym_key_id"]).strip()
    if not _KEY_ID.fullmatch(meta["pseudonym_key_id"]):
        raise _not_a_plan(path, f"{META_SHEET} pseudonym_key_id is not 16 hex characters")

    if not data_rows:
        raise _not_a_plan(path, f"sheet {DATA_SHEET} is empty (no header row)")
    header = list(data_rows[0])
    while header and header[-1] is None:
        header.pop()
    cols = [str(h).strip() if h is not None else "" for h in header]
    if "pid" not in cols:
        raise _not_a_plan(path, f"sheet {DATA_SHEET} has no column pid")
    if any(not c for c in cols) or len(set(cols)) != len(cols):
        raise _not_a_plan(path, f"sheet {DATA_SHEET} has blank or repeated column names")
    width = len(cols)
    body = [[_plain(v) for v in (list(r[:width]) + [None] * (width - len(r[:width])))] for r in data_rows[1:]]
    moves = pd.DataFrame(body, columns=cols, dtype=object)
    moves["pid"] = moves["pid"].map(lambda v: None if v is None else str(v).strip()).astype("string")
    bad = ~moves["pid"].str.fullmatch(_PID.pattern).fillna(False)
    if bad.any():
        first = int(bad.to_numpy().argmax()) + 2
        raise _not_a_plan(path, f"sheet {DATA_SHEET} row {first}: pid is not 16 hex characters "
                                f"({int(bad.sum())} such row(s))")
    return moves.where(moves.notna(), None).astype({"pid": "string"}), meta


# -- where the output may go -----------------------------------------------------------------------

def default_output(period: str, region_code: str, restricted: str | Path | None = None) -> Path:
    """``<restricted>/<region code>/reidentified/rencana-mutasi-<period>-nama.xlsx``.

    ``restricted`` defaults to the project's restricted folder (``[tool.mutasi] restricted``).
    """
    from .project import resolve_path

    for what, value in (("period", period), ("region", region_code)):
        if not _SAFE_NAME.fullmatch(str(value)):
            raise UnsafeOutputError(f"the plan's {what} {str(value)[:40]!r} cannot be part of a file name; "
                                    "pass --out")
    root = resolve_path(restricted, "restricted")
    return root / str(region_code) / REIDENTIFIED_DIR / f"rencana-mutasi-{period}-nama.xlsx"


def _project_folders(out: Path) -> list[tuple[str, Path]]:
    """Reports and processed folders of the project of the working folder and of ``out``."""
    from .project import find_project

    found = []
    starts = [None]
    probe = out.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    starts.append(probe)
    for start in starts:
        try:
            proj = find_project(start)
        except MutasiError:
            continue
        found += [("reports", proj.reports), ("processed data", proj.processed)]
    return found


def _git_ignores(repo: Path, path: Path) -> bool | None:
    """True when git ignores ``path`` in ``repo``, False when it does not, None when git cannot tell."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "check-ignore", "-q", "--", str(path)],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return {0: True, 1: False}.get(done.returncode)


def _check_output(out: Path, holds: str = "names") -> None:
    """Refuse an output outside private places; ``holds`` says what the file holds (for the message)."""
    if out.suffix.lower() != ".xlsx":
        raise UnsafeOutputError(f"--out {out}: the plan is an xlsx workbook; name it *.xlsx")
    for what, folder in _project_folders(out):
        if out == folder or out.is_relative_to(folder.resolve()):
            raise UnsafeOutputError(
                f"--out {out} is inside the {what} folder {folder}, which may be published or shared; a plan with "
                f"{holds} belongs in the restricted folder (leave out --out) or another private place"
            )
    repo = _inside_git(out)
    if repo is not None:
        ignored = _git_ignores(repo, out)
        if ignored is not True:
            why = "git does not ignore it" if ignored is False else "git could not tell whether it is ignored"
            raise UnsafeOutputError(
                f"--out {out} is inside the git work tree {repo} and {why}: a plan with {holds} must never be "
                "committed; write it to the restricted folder (leave out --out) or outside the work tree"
            )


def _private_parents(folder: Path, root: Path | None) -> None:
    """Make ``folder`` with mode 0700 for every level made here, and every level from ``root`` down
    when ``root`` holds it (the restricted folder), whatever the umask."""
    made = []
    probe = folder
    while not probe.exists():
        made.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    levels = set(made)
    if root is not None and (folder == root or root in folder.parents):
        level = folder
        while True:
            levels.add(level)
            if level == root:
                break
            level = level.parent
    for level in levels:
        os.chmod(level, 0o700)


# -- reidentification ------------------------------------------------------------------------------

def _raw_staff(raw: Path, limits) -> tuple[pd.DataFrame, Path]:
    """``nip`` (cleaned) and ``nama`` of the raw ``pegawai`` table, read as ingestion reads it."""
    from .nip import clean_nip
    from .readers import find_raw_file, read_raw
    from .schemas import SPECS

    if not raw.is_dir():
        raise DataError(f"raw data folder {raw} does not exist; pass --raw, the folder the data were ingested from")
    path = find_raw_file(raw, "pegawai")
    if path is None:
        raise DataError(f"raw folder {raw} has no pegawai.csv (or .xlsx); pass --raw, the folder the data were "
                        "ingested from")
    rt = read_raw(path, SPECS["pegawai"].names, "pegawai", limits)
    absent = [c for c in ("nip", "nama") if c not in rt.data.columns]
    if absent:
        raise DataError(f"{path} lacks column(s) {', '.join(absent)}; it is not the pegawai export the data were "
                        "ingested from")
    staff = pd.DataFrame({"nip": clean_nip(rt.data["nip"]), "nama": rt.data["nama"]})
    # only NIPs ingestion could have accepted (18 digits), each once (ingestion keeps the first row)
    staff = staff[staff["nip"].str.fullmatch(r"\d{18}").fillna(False).to_numpy(dtype=bool)]
    return staff.drop_duplicates("nip", keep="first"), path


def _write_xlsx(target: Path, frame: pd.DataFrame, meta: dict) -> None:
    import xlsxwriter

    with replaced_atomically(target, 0o600, suffix=".part") as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                       "strings_to_urls": False})
        bold = wb.add_format({"bold": True})
        text = wb.add_format({"num_format": "@"})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws = wb.add_worksheet("rencana")
        cols = list(frame.columns)
        for j, c in enumerate(cols):
            ws.write_string(0, j, str(c), bold)
            ws.set_column(j, j, 22 if c in ("nip", "nama", "alasan") else 14, text if c in ("nip", "pid") else None)
        for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            for j, v in enumerate(row):
                v = _cell_value(v)
                if v is None:
                    continue
                if isinstance(v, (dt.datetime, dt.date)):
                    ws.write_datetime(i, j, v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time()),
                                      date)
                elif isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, str(v), text if cols[j] in ("nip", "pid") else None)
        ws.freeze_panes(1, 0)
        if len(frame):
            ws.autofilter(0, 0, len(frame), len(cols) - 1)
        info = wb.add_worksheet(META_SHEET)
        info.write_row(0, 0, ["key", "value"], bold)
        for i, (k, v) in enumerate(meta.items(), start=1):
            info.write_string(i, 0, str(k))
            info.write_string(i, 1, "" if v is None else str(v))
        wb.close()


def reidentify(plan: str | Path, raw: str | Path, out: str | Path | None = None, region: str | Path | None = None,
               key: bytes | None = None, *, echo: Callable[[str], object] | None = print) -> Path:
    """Write a copy of a rotation plan with each person's NIP and name, for the key holder.

    Parameters
    ----------
    plan : path
        Plan workbook written by ``mutasi plan`` (:func:`read_plan`).
    raw : path
        Folder of raw exports the data were ingested from (its ``pegawai.csv`` or ``.xlsx``).
    out : path, optional
        Output xlsx. Default :func:`default_output`: ``<restricted>/<region code>/reidentified/
        rencana-mutasi-<period>-nama.xlsx``. Refused inside the project's reports or processed
        folder, or inside a git work tree that does not ignore it.
    region : path, optional
        Region config (TOML); default the project's. Its code must be the plan's ``region``.
    key : bytes, optional
        Pseudonym key; default :func:`~mutasi_analysis.pseudonym.load_key` (never created here).
    echo : callable, optional
        Receives one line naming the output and the counts (default ``print``); None: silent.
        No NIP or name is ever passed to it.

    Returns
    -------
    Path
        The reidentified plan (mode 0600; the folders made for it 0700). It holds names: never
        share it with the report.

    Raises
    ------
    PlanFileError
        The plan is missing or not a plan workbook.
    PseudonymKeyError
        No key, or a key other than the one the plan was made with (both fingerprints named).
    DataError
        No raw ``pegawai`` file, or none of the plan's pseudonyms is in it.
    UnsafeOutputError
        ``out`` lies where it could be published or committed.
    """
    from .config import load_config

    plan = Path(plan)
    raw = Path(raw)
    moves, meta = read_plan(plan)
    if key is None:
        key = load_key(create=False)
    mine, theirs = key_id(key), meta["pseudonym_key_id"]
    if mine != theirs:
        raise PseudonymKeyError(
            f"the pseudonym key in use (id {mine}, from {key_source()}) is not the key this plan was made with "
            f"(id {theirs}): use the key that ingested the data ({KEY_FILE_ENV} naming its file, or "
            "MUTASI_PSEUDONYM_KEY); `mutasi key show` prints the fingerprint of the key in use"
        )
    cfg = load_config(region)
    if str(meta["region"]).strip() != cfg.region.code:
        raise MutasiError(f"{plan} is a plan of region {str(meta['region'])[:40]!r} but the region config "
                          f"{cfg.source} is {cfg.region.code!r}; pass --region with that region's config")
    if out is None:
        target = default_output(str(meta["period"]).strip(), cfg.region.code)
    else:
        target = Path(out).expanduser()
    target = Path(os.path.abspath(target))
    target = target.parent.resolve() / target.name
    _check_output(target)

    staff, raw_file = _raw_staff(raw, cfg.limits)
    staff = staff.assign(pid=pseudonymise(staff["nip"], key).to_numpy())
    lookup = staff.set_index("pid")[["nip", "nama"]]
    found = moves["pid"].isin(lookup.index).to_numpy(dtype=bool)
    n, matched = len(moves), int(found.sum())
    if n and not matched:
        raise DataError(
            f"none of the plan's {n} pseudonyms is in {raw_file}: is this the raw export the data were ingested "
            "from? (pass --raw with that folder)"
        )
    joined = lookup.reindex(moves["pid"].to_numpy())
    at = list(moves.columns).index("pid") + 1
    result = moves.copy()
    result.insert(at, "nip", joined["nip"].to_numpy(dtype=object))
    result.insert(at + 1, "nama", joined["nama"].to_numpy(dtype=object))
    result = result.astype(object).where(result.notna(), None)

    try:
        from .project import resolve_path

        restricted = resolve_path(None, "restricted")
    except MutasiError:
        restricted = None
    _private_parents(target.parent, restricted)
    _write_xlsx(target, result, {**meta, "source_plan": plan.name, "raw_file": raw_file.name,
                                 "rows": n, "matched": matched})
    if echo is not None:
        missing = n - matched
        echo(f"Reidentified plan written to {target} (mode 0600): {n} row(s), {matched} matched"
             + (f", {missing} pseudonym(s) not in {raw_file.name} (nip and nama left blank)" if missing else "")
             + ". It names people: keep it with the key holder, never with the report.")
    return target
