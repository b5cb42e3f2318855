"""Ingestion: raw exports -> validated, pseudonymised Parquet tables, rejects and a summary.

``ingest(raw, out, region)`` reads every table of the raw contract (``data/raw/README.md``),
validates it (:mod:`mutasi_analysis.schemas`), replaces the NIP by its keyed pseudonym ``pid``
(:mod:`mutasi_analysis.pseudonym`), drops NIP and name, and writes to ``out``:

* one Parquet file per table (columns: :data:`mutasi_analysis.processed.PROCESSED_COLUMNS`),
  sorted by its key so that ingesting twice gives identical bytes;
* ``rejects.csv``: every rejected row (table, file, row, column, value, reason, detail), with
  the reason codes and their order from ``docs/definitions.md``; ``rows read = accepted +
  rejected`` for every table;
* ``ingest_summary.json``: counts per table, rejects per reason, the key's fingerprint and the
  free-text items masked (:mod:`mutasi_analysis.redact`);
* ``pseudonym_key.json``: the key's fingerprint alone (also in every Parquet file's schema
  metadata), so that a different key is refused even when the summary is lost.

Free text (``survei_asn.komentar``) is redacted before anything is written: NIP, NIK, phone
numbers, e-mail addresses, dates and the names of the staff in ``pegawai`` become tokens such
as ``[NIP]`` and ``[NAMA]`` (:func:`mutasi_analysis.redact.redact_tables`).

Rejection order within a row: ``missing_value``, ``wrong_type``, ``invalid_date``,
``out_of_range``, ``invalid_code``, ``invalid_nip``, ``unknown_unit``, ``unknown_staff``,
``date_order``, then ``duplicate`` among the rows that passed everything else (the first
occurrence is kept).

The ``formasi`` file (staffing requirements) is optional too: without it no ``formasi.parquet``
is written. Its ``tahun`` must lie within the data (:func:`data_years`), checked once the other
tables are accepted, as ``unknown_staff`` is: a year outside is ``out_of_range``.
``pegawai.parquet`` keeps the birth year of the NIP (``tahun_lahir``, for planning's retirement
rule), never the birth date.

The ``unit`` file is optional: the region config is the source of truth for units and
``unit.parquet`` is always written from it. A unit file is checked against the config: a code
the config does not know is rejected (``unknown_unit``); a known code whose name, type or
kelurahan differs from the config stops the run with one message listing every difference,
because reports would otherwise silently disagree with the file the user maintains.

Problems with whole files (missing file or column, unreadable or empty file, wrong key) stop
the run with one :class:`~mutasi_analysis.errors.MutasiError` naming the file and what to do.
Output is written to a temporary folder beside ``out`` and swapped in only when complete, so a
failed run leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .config import Limits, RegionConfig, load_config
from .errors import DataError
from .files import replace_folder
from .locking import ingest_lock_path, period_lock
from .nip import birth_years
from .processed import PROCESSED_COLUMNS, REJECTS_FILE, SUMMARY_FILE
from .pseudonym import KEY_ID_ATTR, KEY_ID_FILE, check_same_key, key_id, load_key_for, pseudonymise, write_key_id
from .readers import RawTable, find_raw_file, read_raw
from .redact import KINDS as REDACTED_KINDS, redact_tables
from .schemas import OPTIONAL_TABLES, REASONS, REQUIRED_TABLES, SPECS, TABLES, TableSpec, rule_schema, type_table

__all__ = ["TableCount", "IngestSummary", "ingest", "REJECT_COLUMNS", "EVENT_DATES", "data_years"]

REJECT_COLUMNS = ("table", "file", "row", "column", "value", "reason", "detail")
_OUTPUT_FILES = {f"{t}.parquet" for t in TABLES} | {REJECTS_FILE, SUMMARY_FILE, KEY_ID_FILE}
_RANK = {r: i for i, r in enumerate(REASONS)}
#: The date each table's rows happen on; their span is the data's coverage in the summary
#: (the report pipeline reads ``data_end`` to find the latest complete period).
EVENT_DATES = {
    "riwayat_jabatan": "tmt_jabatan",
    "pengaduan": "waktu_diterima",
    "skm": "tanggal",
    "survei_asn": "tanggal",
    "pelatihan": "tanggal_selesai",
}


@dataclass(frozen=True)
class TableCount:
    """Row counts of one table: ``read == accepted + rejected``."""

    read: int
    accepted: int
    rejected: int
    file: str | None
    format: str
    sha256: str | None = None
    ignored_columns: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The table's entry in ``ingest_summary.json``."""
        d = {"read": self.read, "accepted": self.accepted, "rejected": self.rejected,
             "file": self.file, "format": self.format, "sha256": self.sha256}
        if self.ignored_columns:
            d["ignored_columns"] = list(self.ignored_columns)
        return d


@dataclass(frozen=True)
class IngestSummary:
    """What an ingestion read, accepted and rejected.

    Attributes
    ----------
    tables : dict of str to TableCount
        In the order of :data:`mutasi_analysis.schemas.TABLES`; an optional table whose file
        was absent (``formasi``) is not listed.
    rejects_by_reason : dict of str to int
        Rejected data rows per reason (every reason listed, zeros included).
    region : str
        Region code of the config used.
    key_id : str
        Public fingerprint of the pseudonym key.
    out : Path
        Output folder.
    coverage : dict
        Table -> (first, last) ISO date of its event column (:data:`EVENT_DATES`) among
        accepted rows; ``data_start``/``data_end`` in the JSON span all of them.
    redacted : dict of str to int
        Items masked in free text per kind (:data:`mutasi_analysis.redact.KINDS`).
    """

    tables: dict
    rejects_by_reason: dict
    region: str
    key_id: str
    out: Path = field(default=Path("."))
    coverage: dict = field(default_factory=dict)
    redacted: dict = field(default_factory=lambda: dict.fromkeys(REDACTED_KINDS, 0))

    @property
    def total_rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())

    def to_dict(self) -> dict:
        """The content of ``ingest_summary.json`` (no timestamps: reruns give the same bytes)."""
        spans = [v for v in self.coverage.values() if v[0] is not None]
        return {
            "region": self.region,
            "data_start": min(v[0] for v in spans) if spans else None,
            "data_end": max(v[1] for v in spans) if spans else None,
            "tables": {name: {**t.to_dict(), **self._span(name)} for name, t in self.tables.items()},
            "rejects_by_reason": dict(self.rejects_by_reason),
            "rejected_rows": self.total_rejected,
            "rejects_file": REJECTS_FILE,
            "pseudonym": {"method": "HMAC-SHA256 of the NIP, first 16 hex characters", "key_id": self.key_id},
            "redacted": dict(self.redacted),
        }

    def _span(self, table: str) -> dict:
        if table not in self.coverage:
            return {}
        first, last = self.coverage[table]
        return {"date_column": EVENT_DATES[table], "first": first, "last": last}

    def _ignored_lines(self) -> list[str]:
        """One line per table whose file has columns the raw contract does not know (a misspelling?)."""
        lines = []
        for name, t in self.tables.items():
            if not t.ignored_columns:
                continue
            known = [h for h in SPECS[name].names]
            cols = []
            for c in t.ignored_columns:
                near = difflib.get_close_matches(str(c).strip().casefold(), known, n=1, cutoff=0.75)
                cols.append(f"{c!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
            lines.append(f"Ignored columns in {t.file} ({name}), not in the raw contract: {', '.join(cols)}; "
                         "rename them as in data/raw/README.md or they are dropped")
        return lines

    def to_text(self) -> str:
        """The summary as a printed table."""
        head = ("table", "file", "read", "accepted", "rejected")
        rows = [(n, t.file or "(region config)", f"{t.read:,}", f"{t.accepted:,}", f"{t.rejected:,}")
                for n, t in self.tables.items()]
        total = ("total", "", f"{sum(t.read for t in self.tables.values()):,}",
                 f"{sum(t.accepted for t in self.tables.values()):,}", f"{self.total_rejected:,}")
        widths = [max(len(r[i]) for r in (head, *rows, total)) for i in range(5)]

        def line(r):
            return "  ".join(r[i].ljust(widths[i]) if i < 2 else r[i].rjust(widths[i]) for i in range(5)).rstrip()

        rule = "  ".join("-" * w for w in widths)
        out = [f"Ingestion summary (region {self.region}) -> {self.out}", line(head), rule,
               *map(line, rows), rule, line(total)]
        reasons = [f"{r} {n:,}" for r, n in self.rejects_by_reason.items() if n]
        if reasons:
            out.append(f"Rejected rows by reason: {', '.join(reasons)}")
            out.append(f"Details of every rejected row: {self.out / REJECTS_FILE}")
        else:
            out.append("No rows rejected.")
        out.extend(self._ignored_lines())
        masked = [f"{k} {n:,}" for k, n in self.redacted.items() if n]
        out.append(f"Redacted in free text: {', '.join(masked)}" if masked else "Nothing redacted in free text.")
        return "\n".join(out)


def ingest(raw: str | Path = "data/raw", out: str | Path = "data/processed",
           region: str | Path | None = None, *, today: dt.date | None = None,
           new_key: bytes | None = None) -> IngestSummary:
    """Validate and pseudonymise raw exports into processed tables.

    Parameters
    ----------
    raw : Path
        Folder with one file per table (``pegawai.csv`` or ``pegawai.xlsx``, ...).
    out : Path
        Output folder (created or replaced as a whole; other files in it are kept).
    region : Path, optional
        Region config (TOML); default the project's.
    today : datetime.date, optional
        Run date for plausibility checks (dates after it are rejected). Defaults to today.
    new_key : bytes, optional
        Re-pseudonymise with this key, replacing the key ``out`` was made with (``mutasi key
        rotate``). By default the key in use (:func:`~mutasi_analysis.pseudonym.load_key_for`)
        must be the one ``out`` was made with.

    Returns
    -------
    IngestSummary

    Raises
    ------
    MutasiError
        Missing raw folder, file or column; unreadable or empty file; a unit file that disagrees
        with the config; a pseudonym key problem or a key other than the one ``out`` was made
        with. Nothing in ``out`` changes then.
    """
    # normpath: "x/.." names x (a folder named ".." would make temporaries inside itself)
    raw, out = Path(os.path.normpath(raw)), Path(os.path.normpath(out))
    today = today or dt.date.today()
    cfg = load_config(region)
    if not raw.is_dir():
        raise DataError(f"raw data folder {raw} does not exist; put the exports there or pass --raw")
    if out.resolve() == raw.resolve():
        raise DataError(f"--out {out} is the raw folder; write processed tables to another folder")
    _refuse_nested(out)
    out.parent.mkdir(parents=True, exist_ok=True)  # an impossible --out is named before any work
    key = load_key_for(out) if new_key is None else new_key
    kid = key_id(key)
    # One ingestion into a folder at a time: a second one refuses instead of racing the swap.
    with period_lock(ingest_lock_path(out), f"ingestion into {out}", queue_hint=False):
        _clean_stale(out)
        if new_key is None:
            check_same_key(out, kid)
        return _ingest(raw, out, cfg, key, kid, today)


def _ingest(raw: Path, out: Path, cfg, key: bytes, kid: str, today: dt.date) -> "IngestSummary":
    raws = _read_all(raw, cfg.limits)
    counts: dict[str, TableCount] = {}
    rejects: list[pd.DataFrame] = []
    accepted: dict[str, pd.DataFrame] = {}

    unit_raw = raws.get("unit")
    if unit_raw is not None:
        ok, rej = _validate(unit_raw, SPECS["unit"], cfg, today)
        _check_units_agree(unit_raw, ok, cfg)
        counts["unit"] = _count(unit_raw, ok, rej)
        rejects.append(rej)
    else:
        n = len(cfg.units)
        counts["unit"] = TableCount(n, n, 0, None, "config")
    accepted["unit"] = cfg.units_frame()

    staff: pd.Index | None = None
    for table in REQUIRED_TABLES:
        spec = SPECS[table]
        ok, rej = _validate(raws[table], spec, cfg, today, staff)
        if table == "pegawai":
            staff = pd.Index(ok["nip"].unique())
        counts[table] = _count(raws[table], ok, rej)
        _refuse_all_rejected(raws[table], counts[table], rej)
        rejects.append(rej)
        accepted[table] = ok

    # Optional tables checked against the data (formasi.tahun): after the others are accepted,
    # as the staff foreign key is applied after pegawai.
    years = data_years(accepted)
    for table in TABLES:
        if table not in OPTIONAL_TABLES or table == "unit" or table not in raws:
            continue
        ok, rej = _validate(raws[table], SPECS[table], cfg, today, staff, years)
        counts[table] = _count(raws[table], ok, rej)
        _refuse_all_rejected(raws[table], counts[table], rej)
        rejects.append(rej)
        accepted[table] = ok

    pid_frames = _pseudonymise(accepted, key)
    pid_frames, redacted = redact_tables(pid_frames, raws["pegawai"].data.get("nama"))
    all_rejects = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=REJECT_COLUMNS)
    all_rejects = all_rejects.sort_values(["_t", "row", "_rank", "column"], kind="stable")
    by_reason = {r: 0 for r in REASONS}
    per_row = all_rejects.drop_duplicates(["_t", "row"])
    for r, n in per_row["reason"].value_counts().items():
        by_reason[r] = int(n)
    coverage = {}
    for table, col in EVENT_DATES.items():
        dates = pid_frames[table][col].dropna()
        coverage[table] = ((dates.min().date().isoformat(), dates.max().date().isoformat())
                           if len(dates) else (None, None))
    summary = IngestSummary(tables=counts, rejects_by_reason=by_reason, region=cfg.region.code, key_id=kid,
                            out=out, coverage=coverage, redacted=redacted)
    _write(out, pid_frames, all_rejects[list(REJECT_COLUMNS)], summary)
    return summary


def data_years(accepted: dict[str, pd.DataFrame]) -> tuple[int, int] | None:
    """The years a ``formasi`` row may apply to, from the accepted rows of the other tables.

    Parameters
    ----------
    accepted : dict of str to DataFrame
        Accepted (typed) rows per table, with the event columns of :data:`EVENT_DATES`.

    Returns
    -------
    (int, int) or None
        From the year of the earliest ``riwayat_jabatan.tmt_jabatan`` to the year after the
        latest event date of any table (planning next year's requirement is normal); None
        when no position history was accepted.
    """
    tmt = accepted["riwayat_jabatan"]["tmt_jabatan"].dropna() if "riwayat_jabatan" in accepted else pd.Series()
    if tmt.empty:
        return None
    last = max(accepted[t][c].dropna().max() for t, c in EVENT_DATES.items()
               if t in accepted and accepted[t][c].notna().any())
    return int(tmt.min().year), int(last.year) + 1


# --------------------------------------------------------------------------------------------

def _read_all(raw: Path, limits: Limits) -> dict[str, RawTable]:
    missing, found = [], {}
    for table in TABLES:
        path = find_raw_file(raw, table)
        if path is None:
            if table in REQUIRED_TABLES:
                missing.append(f"{table}.csv (or .xlsx)")
        else:
            found[table] = path
    if missing:
        raise DataError(
            f"raw folder {raw} lacks {', '.join(missing)}; export these tables there "
            "(see data/raw/README.md), or run `mutasi demo-data` for a demo set"
        )
    raws, problems = {}, []
    for table, path in found.items():
        spec = SPECS[table]
        rt = read_raw(path, spec.names, table, limits)
        absent = [c.name for c in spec.columns if not c.optional_column and c.name not in rt.data.columns]
        if absent:
            problems.append(f"{path} lacks column(s) {', '.join(absent)} ({_found_headers(rt, spec)})")
        raws[table] = rt
    if problems:
        raise DataError(
            "missing columns: " + "; ".join(problems)
            + "; add them with the headers of data/raw/README.md (SIASN names are accepted, see "
            "mutasi_analysis.readers.COLUMN_ALIASES)"
        )
    return raws


def _looks_like_data(header: str) -> bool:
    # A NIP, a date or a long text in the header row: a file without headers, or a shifted one.
    return bool(re.search(r"\d{4,}", header)) or len(header) > 40


def _shown_header(header: str) -> str:
    """A header as messages and the summary may show it: never a value that may be personal."""
    return "(a header that looks like data)" if _looks_like_data(header) else header


def _found_headers(rt: RawTable, spec: TableSpec) -> str:
    """The headers of a file with missing columns, without echoing data (a header row may be a data row)."""
    known = [h for c, h in rt.headers.items() if c in spec.names]
    others = [h for c, h in rt.headers.items() if c not in spec.names]
    text = f"found: {', '.join(known) or 'none of the expected headers'}"
    if others:
        text += f", and {len(others)} other column(s)"
    data_like = sum(_looks_like_data(h) for h in others)
    if others and (data_like * 2 >= len(others) or (data_like and not known)):
        text += "; the first line looks like data: does the file lack its header row?"
    return text


def _validate(rt: RawTable, spec: TableSpec, cfg: RegionConfig, today: dt.date,
              staff: pd.Index | None = None,
              years: tuple[int, int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted typed rows and reject records of one raw table (``staff``: the accepted NIPs
    for ``staff_fk``; ``years``: the data's years for ``year_in_data``, :func:`data_years`)."""
    typed, fails = type_table(rt, spec, cfg.unit_codes, today, unit_aliases=cfg.unit_aliases)
    data = rt.data
    schema, meta = rule_schema(spec)
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["check"].isin(list(meta))].drop_duplicates(["check", "index"])
        for check, grp in fc.groupby("check", sort=True):
            reason, col, detail = meta[check]
            rows = grp["index"].astype(np.int64).to_numpy()
            vals = data[col].reindex(rows).to_numpy(dtype=object) if col in data.columns else ""
            fails.append(pd.DataFrame({"row": rows, "column": col, "value": vals, "reason": reason, "detail": detail}))
    if spec.staff_fk and staff is not None:
        unknown = typed["nip"].notna().to_numpy() & ~typed["nip"].isin(staff).to_numpy()
        if unknown.any():
            rows = typed.index[unknown]
            fails.append(pd.DataFrame({"row": rows, "column": "nip", "value": data["nip"][unknown].to_numpy(dtype=object),
                                       "reason": "unknown_staff", "detail": "nip is not an accepted pegawai row"}))
    if spec.year_in_data and years is not None:
        col = spec.year_in_data
        lo, hi = years
        outside = (typed[col].notna() & ((typed[col] < lo) | (typed[col] > hi))).to_numpy(dtype=bool)
        if outside.any():
            fails.append(pd.DataFrame({
                "row": typed.index[outside], "column": col, "value": data[col][outside].to_numpy(dtype=object),
                "reason": "out_of_range",
                "detail": f"{col} must be {lo}..{hi}: from the year of the earliest tmt_jabatan to the year "
                          "after the latest event date of the data"}))
    rej = pd.concat(fails, ignore_index=True) if fails else pd.DataFrame(
        {"row": pd.Series(dtype=np.int64), "column": pd.Series(dtype="str"), "value": pd.Series(dtype=object),
         "reason": pd.Series(dtype="str"), "detail": pd.Series(dtype=object)})
    rej["_rank"] = rej["reason"].map(_RANK).astype(np.int64)
    first = rej.groupby("row")["_rank"].transform("min")
    rej = rej[rej["_rank"] == first]
    bad = np.zeros(len(typed), dtype=bool)
    bad[rej["row"].to_numpy() - 1] = True

    dup = _duplicates(rt, spec, typed, ~bad)
    if len(dup):
        dup["_rank"] = _RANK["duplicate"]
        rej = pd.concat([rej, dup], ignore_index=True)
        bad[dup["row"].to_numpy() - 1] = True
    ok = typed[~bad]
    rej = rej.assign(table=spec.name, file=rt.path.name, _t=TABLES.index(spec.name))
    rej["value"] = rej["value"].astype(object).where(rej["value"].notna(), "")
    return ok, rej


def _duplicates(rt: RawTable, spec: TableSpec, typed: pd.DataFrame, alive: np.ndarray) -> pd.DataFrame:
    """Repeated keys (or identical rows for tables without a key) among rows that passed."""
    if spec.key:
        keys = typed.loc[alive, list(spec.key)]
        label, detail_of = "+".join(spec.key), f"same {' + '.join(spec.key)} as row"
    else:
        keys = rt.data.loc[alive]
        label, detail_of = "*", "identical to row"
    dup = keys.duplicated(keep="first").to_numpy()
    if not dup.any():
        return pd.DataFrame()
    involved = keys[keys.duplicated(keep=False).to_numpy()]
    cols = list(involved.columns)
    first_row = (
        involved.reset_index().groupby(cols, dropna=False, sort=False)["row"].transform("first").to_numpy()
    )
    first_of = pd.Series(first_row, index=involved.index)
    rows = keys.index[dup]
    raw_vals = rt.data.loc[rows, [k for k in spec.key if k in rt.data.columns]] if spec.key else None
    values = (raw_vals.astype(object).fillna("").astype(str).agg("+".join, axis=1).to_numpy(dtype=object)
              if raw_vals is not None else np.full(len(rows), "", dtype=object))
    return pd.DataFrame({
        "row": rows.to_numpy(dtype=np.int64), "column": label, "value": values, "reason": "duplicate",
        "detail": [f"{detail_of} {int(first_of[r])}" for r in rows],
    })


def _refuse_all_rejected(rt: RawTable, count: TableCount, rej: pd.DataFrame) -> None:
    """A required table with no row accepted is a file-level failure: one line, nothing written."""
    if count.read == 0 or count.accepted:
        return
    first = rej.sort_values(["row", "_rank"], kind="stable").drop_duplicates("row")
    top = first["reason"].value_counts()
    reason, n = top.index[0], int(top.iloc[0])
    ex = first[first["reason"] == reason].iloc[0]
    raise DataError(
        f"{rt.path}: all {count.read:,} rows of table {rt.table} were rejected, so nothing was written "
        f"(top reason {reason}: {n:,} rows, e.g. row {int(ex['row'])}, column {ex['column']}: {ex['detail']}); "
        "fix the export (see data/raw/README.md) and run again"
    )


def _count(rt: RawTable, ok: pd.DataFrame, rej: pd.DataFrame) -> TableCount:
    n_rej = int(rej["row"].nunique()) if len(rej) else 0
    read = len(rt.data)
    if read != len(ok) + n_rej:  # pragma: no cover - an internal bug, never user input
        raise RuntimeError(f"{rt.table}: {read} rows read but {len(ok)} accepted + {n_rej} rejected")
    known = set(SPECS[rt.table].names)
    ignored = tuple(_shown_header(rt.headers[c]) for c in rt.data.columns if c not in known)
    return TableCount(read, len(ok), n_rej, rt.path.name, rt.path.suffix.lower().lstrip("."), rt.sha256, ignored)


def _norm(s: pd.Series) -> pd.Series:
    # blanks first: astype("str") would turn a missing cell into the text "nan"
    return s.fillna("").astype("str").str.casefold().str.replace(r"\s+", " ", regex=True).str.strip()


def _check_units_agree(rt: RawTable, ok: pd.DataFrame, cfg: RegionConfig) -> None:
    conf = cfg.units_frame().set_index("kode_unit")
    problems = []
    for row, rec in ok.iterrows():  # at most a few dozen units: a loop is clear and fast enough
        code = rec["kode_unit"]
        for col in ("nama_unit", "jenis_unit", "kelurahan"):
            mine = _norm(pd.Series([rec[col]], dtype="object")).iloc[0]
            theirs = _norm(pd.Series([conf.at[code, col]], dtype="object")).iloc[0]
            if mine != theirs and not (col == "kelurahan" and mine == ""):  # a blank kelurahan: not given
                problems.append(f"row {row} {code}: {col} is {rec[col]!r} in the file but {conf.at[code, col]!r} in the config")
    if problems:
        raise DataError(
            f"{rt.path} disagrees with the region config {cfg.source}:\n  " + "\n  ".join(problems)
            + "\nThe config is the source of truth for units: correct the file (or the config), or remove the unit file."
        )


def _pseudonymise(accepted: dict[str, pd.DataFrame], key: bytes) -> dict[str, pd.DataFrame]:
    out = {}
    for table, cols in PROCESSED_COLUMNS.items():
        if table not in accepted:  # an optional table without a raw file
            continue
        df = accepted[table]
        if table == "pegawai":
            # the birth year only (planning's retirement rule); the birth date never leaves ingestion
            df = df.assign(tahun_lahir=birth_years(df["nip"]))
        if "nip" in df.columns:
            df = df.assign(pid=pseudonymise(df["nip"], key))
        if table == "riwayat_jabatan":
            df = df.assign(eselon=df["eselon"].where(df["eselon"] != 99))  # 99 = non-eselon -> NA
        frame = pd.DataFrame({c: df[c].astype(t) for c, t in cols.items()})
        spec = SPECS[table]
        # a table with a key has no repeated key left (duplicates are rejected): the key orders
        # it fully; without a key every column takes part so that the order is still total
        order = list(spec.sort) + ([] if spec.key else [c for c in cols if c not in spec.sort])
        frame = frame.sort_values(order, kind="stable", na_position="last").reset_index(drop=True)
        frame.attrs[KEY_ID_ATTR] = key_id(key)  # Parquet schema metadata: the key survives a lost summary
        out[table] = frame
    return out


def _write(out: Path, frames: dict[str, pd.DataFrame], rejects: pd.DataFrame, summary: IngestSummary) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        for table, df in frames.items():
            df.to_parquet(tmp / f"{table}.parquet", index=False, engine="pyarrow", compression="zstd")
        _csv_safe(rejects).to_csv(tmp / REJECTS_FILE, index=False, lineterminator="\n")
        os.chmod(tmp / REJECTS_FILE, 0o600)  # raw values: possibly personal data
        (tmp / SUMMARY_FILE).write_text(
            json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        write_key_id(tmp, summary.key_id)
        _swap(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.filename is None:  # pyarrow's errors name no file: name the folder being written
            raise OSError(exc.errno, exc.strerror or str(exc), str(out)) from None
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells a spreadsheet would run as a formula get a leading ``'`` (OWASP CSV injection rule)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype != object and not pd.api.types.is_string_dtype(out[col]):
            continue
        text = out[col].astype(object)
        risky = text.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)).to_numpy(dtype=bool)
        if risky.any():
            out[col] = text.where(~risky, "'" + text.astype(str))
    return out


def _clean_stale(out: Path) -> None:
    """Remove what a killed ingestion left beside ``out`` (called under the ingestion lock).

    ``.<out>.tmp-*`` is an unfinished new output: deleted. ``.<out>.old-*`` is the previous output
    moved aside for the swap: when ``out`` is missing the run died mid-swap and it is moved back,
    otherwise it is deleted.
    """
    parent = out.parent
    if not parent.is_dir():
        return
    olds = sorted((p for p in parent.glob(f".{out.name}.old-*") if p.is_dir() and not p.is_symlink()),
                  key=lambda p: p.stat().st_mtime)
    if olds and not out.exists() and not out.is_symlink():
        os.rename(olds.pop(), out)
    for p in [*olds, *parent.glob(f".{out.name}.tmp-*")]:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)


def _is_processed(folder: Path) -> bool:
    return (folder / "ingest_summary.json").is_file()


def _refuse_nested(out: Path) -> None:
    """One processed folder never holds another: an ingestion replaces its whole folder
    (carrying other entries over by copy), so a region nested in another's would be copied,
    lock file and all, by every ingestion of the outer one."""
    here = out.resolve()
    outer = next((p for p in here.parents if _is_processed(p)), None)
    if outer is not None:
        raise DataError(f"--out {out} is inside {outer}, the processed folder of another ingestion; "
                        "give each region a folder of its own beside it (e.g. data/<region>/processed)")
    inner = next((p for p in here.iterdir() if p.is_dir() and _is_processed(p)), None) if here.is_dir() else None
    if inner is not None:
        raise DataError(f"--out {out} holds {inner}, the processed folder of another ingestion; move that "
                        "one beside it (e.g. data/<region>/processed) first")


def _swap(tmp: Path, out: Path) -> None:
    """Replace ``out`` by ``tmp``, carrying over files that are not ingestion outputs (README)."""
    replace_folder(tmp, out, _OUTPUT_FILES)
