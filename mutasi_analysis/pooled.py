"""The pooled analysis of many regions (kecamatan): what one region's 17 offices cannot give.

A project that holds several regions (:meth:`mutasi_analysis.project.Project.region_paths`)
pools them under :data:`~mutasi_analysis.project.POOLED_CODE`. The work is split in two:

1. **On a worker, per region**, right after its ingestion: :func:`region_part` reduces the
   region's processed data to aggregates only (no pid, NIP or name): the monthly DiD panel of
   its report's section 03 (the headline outcome, the same window rule, see
   :func:`region_part`), its IKM and its rotation compliance for the period, and a meta row.
   A :class:`RegionPart` is a picklable dataclass of DataFrames, cheap to send back.
2. **Once, for the set**: :func:`write_pooled_inputs` writes the parts to a folder (the pooled
   region's "processed" folder, with a ``region.toml`` the report pipeline accepts);
   :func:`load_pooled` reads it back as :class:`PooledData`; :func:`analyse_pooled` runs

   - :func:`pooled_did`: Callaway-Sant'Anna ``att_gt`` over every office of every region,
     stacked (simple ATT and event study), inference clustered at the office and, as a check,
     at the region (analytic with ``t(G-1)`` critical values, and the restricted wild cluster
     bootstrap of the Sun-Abraham overall ATT);
   - :func:`league_table`: regions ranked by IKM or by rotation compliance, with each
     region's interval and small regions flagged and suppressed;
   - :func:`shrink_by_region`: each region's own ATT, the between-region variance ``tau^2``
     (statsmodels ``combine_effects``) and empirical-Bayes (partially pooled) estimates.

**Alignment of calendars.** The panel's ``t`` is the calendar month index (``year * 12 +
month - 1``) in every region, so months line up by construction. ``align="common"`` (the
default) keeps the months every region covers (from the latest first month to the earliest
last month), so every group-time cell compares the same set of regions; an office whose
rotation falls before that window has no pre-period there and is left out (listed), one whose
rotation falls after it counts as not rotated inside the window (as :func:`impact.build_panel`
counts a rotation after its window). ``align="union"`` keeps every month of every region:
``att_gt`` accepts unbalanced panels (each 2x2 comparison uses the offices observed in both
of its months), at the price of cells whose regions differ from month to month.

Results carry codes and numbers only; words are chosen at the presentation layer.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from . import did
from .config import RegionConfig, load_config
from .errors import DataError, MutasiError
from .files import replace_folder
from .periods import Period, parse_period

__all__ = ["POOLED_FILES", "NOT_ESTIMATED_REASONS", "RegionPart", "PooledData", "PooledDiDResult",
           "ShrinkageResult", "PooledResult", "region_part", "write_pooled_inputs", "load_pooled",
           "pool_parts", "pooled_did", "league_table", "shrink_by_region", "analyse_pooled"]

#: Files of a pooled inputs folder (:func:`write_pooled_inputs`).
POOLED_FILES = ("panel.parquet", "ikm.parquet", "kepatuhan.parquet", "wilayah.parquet",
                "ingest_summary.json", "region.toml")
#: Why a region's own ATT was not estimated in :func:`shrink_by_region`.
NOT_ESTIMATED_REASONS = ("few_treated", "few_control", "no_post_cells", "panel_error")
_FORMAT = 1  # version of the pooled inputs folder
_PERSONAL = ("pid", "nip", "nama", "id_responden", "id_laporan", "nomor_sk")


def _plain(v):
    """JSON-safe copy (NaN -> None, numpy scalars -> Python)."""
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, pd.DataFrame):
        return [_plain(r) for r in v.to_dict("records")]
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, (dt.date, pd.Timestamp)):
        return v.isoformat()[:10]
    if v is pd.NA or v is pd.NaT:
        return None
    return str(v)


# --------------------------------------------------------------------------------------
# per region (on a worker)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RegionPart:
    """What one region contributes to the pooled analysis: aggregates only.

    Attributes
    ----------
    code : str
        The region's code (``kode_wilayah``).
    meta : DataFrame
        One row: ``kode_wilayah, nama_wilayah, periode, jenis_periode, n_unit, n_treated,
        data_start, data_end, outcome, definition, threshold, min_cell_size,
        min_treated_units, min_control_units, alpha, inputs_sha256``.
    panel : DataFrame
        The region's monthly DiD panel (:func:`mutasi_analysis.impact.build_panel`, as its
        report's section 03 builds it), one row per office and month, with ``kode_wilayah``,
        ``kode_unit_asal`` (the office's code in its region) and ``kode_unit`` =
        ``<kode_wilayah>.<kode_unit_asal>`` (unique across regions, and a valid unit code of
        the pooled region config).
    ikm : DataFrame
        One row: ``kode_wilayah, n_responden, ikm, mutu, conf_low, conf_high`` (percentile
        bootstrap interval of :func:`mutasi_analysis.ikm.bootstrap_ci`); NaN without respondents.
    kepatuhan : DataFrame
        One row: ``kode_wilayah, n_mutasi`` (moves dated in the period), ``n_patuh`` (of them,
        moves that broke no rule), ``share_patuh``, ``min_years_breaks``, ``freeze_breaks``,
        ``rotation_candidates``, ``min_years_to_date``, ``freeze_to_date``.
    """

    code: str
    meta: pd.DataFrame
    panel: pd.DataFrame
    ikm: pd.DataFrame
    kepatuhan: pd.DataFrame

    def __post_init__(self):
        for name in ("meta", "panel", "ikm", "kepatuhan"):
            frame = getattr(self, name)
            bad = [c for c in frame.columns if str(c).lower() in _PERSONAL]
            if bad:
                raise ValueError(f"RegionPart.{name} of {self.code} holds personal column(s) {bad}: aggregates only")


def _inputs_hash(folder: Path | None) -> str | None:
    """SHA-256 over the processed folder's tables and summary (name and content, sorted)."""
    if folder is None or not Path(folder).is_dir():
        return None
    h = hashlib.sha256()
    for f in sorted(Path(folder).iterdir()):
        if f.is_file() and (f.suffix == ".parquet" or f.name == "ingest_summary.json"):
            h.update(f.name.encode() + b"\0")
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()


def _ikm_row(skm: pd.DataFrame, config: RegionConfig, p: Period, n_boot: int, seed: int) -> pd.DataFrame:
    from . import ikm

    code = config.region.code
    cur = ikm.add_period(skm, config.period.kind)
    cur = cur[cur["periode"] == p.id].assign(kode_wilayah=code)
    row = {"kode_wilayah": code, "n_responden": 0, "ikm": np.nan, "mutu": None, "conf_low": np.nan, "conf_high": np.nan}
    if len(cur):
        got = ikm.compute(cur, by=("kode_wilayah",), config=config)
        if len(got) and pd.notna(got["ikm"].iloc[0]):
            r = got.iloc[0]
            row.update(n_responden=int(r["n_responden"]), ikm=float(r["ikm"]), mutu=r["mutu"])
            if n_boot > 0:
                ci = ikm.bootstrap_ci(cur, by=("kode_wilayah",), n_boot=n_boot, seed=seed, config=config)
                lo, hi = [c for c in ci.columns if c.startswith("ci_")][:2]
                row.update(conf_low=float(ci[lo].iloc[0]), conf_high=float(ci[hi].iloc[0]))
        elif len(got):
            row["n_responden"] = int(got["n_responden"].iloc[0])
    return pd.DataFrame([row])


def _compliance_row(processed, config: RegionConfig, p: Period) -> pd.DataFrame:
    from . import rotation

    riwayat = processed.riwayat_jabatan
    flags = rotation.compliance_flags(riwayat, config, periods=[p], pegawai=processed.pegawai)
    summary = rotation.compliance_summary(flags, p, config.period.kind)
    cls = rotation.classify_moves(riwayat, config)
    start, end = pd.Timestamp(p.start), pd.Timestamp(p.end)
    moves = cls[cls["is_move"] & cls["tmt_jabatan"].between(start, end)]
    broke = flags[flags["rule"].isin(["min_years", "freeze"])]["record"]
    n_moves = int(len(moves))
    n_ok = int((~moves["record"].isin(set(broke))).sum())
    return pd.DataFrame([{"kode_wilayah": config.region.code, "n_mutasi": n_moves, "n_patuh": n_ok,
                          "share_patuh": n_ok / n_moves if n_moves else np.nan, **summary}])


def region_part(config: RegionConfig, processed, period, *, ikm_boot: int = 999, seed: int = 0) -> RegionPart:
    """One region's contribution to the pooled analysis, computed where it was ingested.

    Parameters
    ----------
    config : RegionConfig
        The region's config.
    processed : Processed or path
        Its processed data (:func:`mutasi_analysis.processed.load_processed` or its folder).
    period : Period or str
        The report period (in the config's period kind).
    ikm_boot : int, default 999
        Bootstrap resamples of the region's IKM interval (0: no interval).
    seed : int, default 0

    Returns
    -------
    RegionPart

    Notes
    -----
    The panel is the one section 03 of the region's own report analyses:
    ``impact.build_panel(pengaduan, riwayat_jabatan, config, end=period.end)``, the headline
    outcome and the config's treatment definition, from the first complaint to the period's
    end. Only per office-month aggregates leave the worker.
    """
    from . import impact
    from .processed import Processed, load_processed

    if not isinstance(processed, Processed):
        processed = load_processed(processed)
    p = period if isinstance(period, Period) else parse_period(str(period), config.period.kind)
    code = config.region.code
    panel = impact.build_panel(processed.pengaduan, processed.riwayat_jabatan, config, end=p.end)
    attrs = dict(panel.attrs)
    panel = panel.rename(columns={"kode_unit": "kode_unit_asal"})
    panel.insert(0, "kode_wilayah", code)
    panel.insert(1, "kode_unit", code + "." + panel["kode_unit_asal"].astype(str))
    panel["cohort"] = panel["cohort"].fillna(0).astype("int64")
    units = config.units_frame()[["kode_unit", "nama_unit", "jenis_unit"]].rename(columns={"kode_unit": "kode_unit_asal"})
    panel = panel.drop(columns=[c for c in ("nama_unit", "jenis_unit") if c in panel.columns]).merge(
        units, on="kode_unit_asal", how="left", validate="many_to_one")
    months = panel.groupby("kode_unit")["cohort"].first()
    th = config.thresholds
    meta = pd.DataFrame([{
        "kode_wilayah": code, "nama_wilayah": config.region.name, "periode": p.id, "jenis_periode": config.period.kind,
        "n_unit": int(len(months)), "n_treated": int((months > 0).sum()),
        "data_start": _month_day(int(panel["t"].min())), "data_end": str(attrs.get("data_end") or p.end)[:10],
        "outcome": attrs["outcome"], "definition": attrs["definition"], "threshold": attrs["threshold"],
        "min_cell_size": th.min_cell_size, "min_treated_units": th.min_treated_units,
        "min_control_units": th.min_control_units, "alpha": th.alpha,
        "inputs_sha256": _inputs_hash(processed.folder),
    }])
    panel.attrs = {}
    return RegionPart(code=code, meta=meta, panel=panel.reset_index(drop=True),
                      ikm=_ikm_row(processed.skm, config, p, ikm_boot, seed),
                      kepatuhan=_compliance_row(processed, config, p))


def _month_day(t: int) -> str:
    return dt.date(t // 12, t % 12 + 1, 1).isoformat()


# --------------------------------------------------------------------------------------
# the pooled data
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PooledData:
    """The stacked parts of every region (:func:`pool_parts`, :func:`load_pooled`).

    Attributes
    ----------
    panel, ikm, kepatuhan, wilayah : DataFrame
        The parts' frames stacked, one ``wilayah`` (meta) row per region.
    config : RegionConfig
        The pooled region config (code ``_gabungan``; units = every office).
    summary : Mapping
        Content of ``ingest_summary.json``.
    folder : Path or None
        Where it was loaded from.
    """

    panel: pd.DataFrame
    ikm: pd.DataFrame
    kepatuhan: pd.DataFrame
    wilayah: pd.DataFrame
    config: RegionConfig
    summary: Mapping[str, Any] = field(default_factory=dict)
    folder: Path | None = None

    @property
    def regions(self) -> tuple[str, ...]:
        """Region codes in order."""
        return tuple(self.wilayah["kode_wilayah"].astype(str))

    @property
    def outcome(self) -> str:
        """The headline outcome shared by the regions' panels."""
        return str(self.wilayah["outcome"].iloc[0])


def _strictest(wilayah: pd.DataFrame) -> dict:
    """Thresholds for the pooled config: the strictest of the regions' (stated in the summary)."""
    return {"min_cell_size": int(wilayah["min_cell_size"].max()),
            "min_treated_units": int(wilayah["min_treated_units"].max()),
            "min_control_units": int(wilayah["min_control_units"].max()),
            "alpha": float(wilayah["alpha"].min())}


def _pooled_config_text(wilayah: pd.DataFrame, panel: pd.DataFrame) -> str:
    from .project import POOLED_CODE

    def q(s) -> str:  # a TOML basic string (JSON escapes are valid TOML escapes for these)
        return json.dumps(str(s), ensure_ascii=False)

    kind = str(wilayah["jenis_periode"].iloc[0])
    th = _strictest(wilayah)
    lines = ["# Written by mutasi_analysis.pooled.write_pooled_inputs: the pooled region of",
             f"# {len(wilayah)} regions; thresholds are the strictest of the regions'.",
             "[region]", f"code = {q(POOLED_CODE)}", f"name = {q(f'Gabungan {len(wilayah)} wilayah')}", "",
             "[period]", f"kind = {q(kind)}", "", "[thresholds]",
             *(f"{k} = {v}" for k, v in th.items()), ""]
    names = dict(zip(wilayah["kode_wilayah"], wilayah["nama_wilayah"]))
    units = panel.drop_duplicates("kode_unit")
    for _, u in units.iterrows():
        lines += ["[[units]]", f"code = {q(u['kode_unit'])}",
                  f"name = {q(str(u.get('nama_unit', u['kode_unit_asal'])) + ' (' + str(names[u['kode_wilayah']]) + ')')}",
                  f"type = {q(u['jenis_unit'])}", ""]
    return "\n".join(lines)


def pool_parts(parts: Sequence[RegionPart]) -> tuple[dict[str, pd.DataFrame], str]:
    """Stack the parts' frames and check that they can be pooled.

    Parameters
    ----------
    parts : sequence of RegionPart

    Returns
    -------
    (frames, region_toml)
        ``{"panel", "ikm", "kepatuhan", "wilayah"}`` frames and the pooled config's TOML text.

    Raises
    ------
    MutasiError
        When there are no parts, a region code repeats, or the regions' period kinds, periods
        or headline outcomes differ (one line naming the regions of each).
    """
    if not parts:
        raise MutasiError("no regions to pool: pass at least one RegionPart")
    codes = [p.code for p in parts]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise MutasiError(f"region code(s) {', '.join(dup)} appear more than once in the parts to pool")
    wilayah = pd.concat([p.meta for p in parts], ignore_index=True)
    for col, what in (("jenis_periode", "period kinds"), ("periode", "periods"), ("outcome", "headline outcomes")):
        groups = wilayah.groupby(col, sort=True)["kode_wilayah"].apply(list)
        if len(groups) > 1:
            said = "; ".join(f"{k}: {', '.join(v)}" for k, v in groups.items())
            raise MutasiError(f"cannot pool regions with different {what} ({said}); pool regions of one {col} only")
    panel = pd.concat([p.panel for p in parts], ignore_index=True)
    frames = {"panel": panel, "ikm": pd.concat([p.ikm for p in parts], ignore_index=True),
              "kepatuhan": pd.concat([p.kepatuhan for p in parts], ignore_index=True), "wilayah": wilayah}
    return frames, _pooled_config_text(wilayah, panel)


def _summary(frames: dict[str, pd.DataFrame]) -> dict:
    w = frames["wilayah"]
    return _plain({
        "format": _FORMAT, "kind": "pooled",
        "data_start": str(w["data_start"].min()), "data_end": str(w["data_end"].min()),
        "periode": str(w["periode"].iloc[0]), "jenis_periode": str(w["jenis_periode"].iloc[0]),
        "thresholds": _strictest(w),
        "regions": [{"kode_wilayah": r["kode_wilayah"], "nama_wilayah": r["nama_wilayah"], "n_unit": r["n_unit"],
                     "data_start": r["data_start"], "data_end": r["data_end"], "inputs_sha256": r["inputs_sha256"]}
                    for _, r in w.iterrows()],
    })


def write_pooled_inputs(parts: Sequence[RegionPart], out: str | Path) -> Path:
    """Write the pooled inputs folder, atomically (readers see the old folder or the new one).

    Parameters
    ----------
    parts : sequence of RegionPart
        One per region (:func:`region_part`), all of one period kind and period.
    out : path
        The folder, e.g. ``Project.region_paths(POOLED_CODE).processed``.

    Returns
    -------
    Path
        ``out``, holding :data:`POOLED_FILES`: ``panel.parquet``, ``ikm.parquet``,
        ``kepatuhan.parquet``, ``wilayah.parquet``; ``ingest_summary.json`` (``data_end`` =
        the earliest of the regions' data ends, so that
        :func:`mutasi_analysis.processed.data_end` and ``mutasi report --period latest`` read
        the last day every region covers; ``data_start``; ``regions`` with each region's
        ``inputs_sha256``, the hash of its processed files); and ``region.toml``, the pooled
        region config (:func:`mutasi_analysis.config.load_config` accepts it).

    Raises
    ------
    MutasiError
        As :func:`pool_parts` (e.g. regions with different period kinds).

    Notes
    -----
    Written to a temporary folder beside ``out`` and swapped in under the ingestion lock of
    ``out`` (the lock a report takes to snapshot a processed folder), as ``mutasi ingest``
    does. Other files already in ``out`` (a README) are carried over.
    """
    from .locking import ingest_lock_path, period_lock

    frames, toml_text = pool_parts(parts)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with period_lock(ingest_lock_path(out), f"pooled inputs {out}", wait=60):
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            for name, frame in frames.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=False, engine="pyarrow")
            (tmp / "ingest_summary.json").write_text(json.dumps(_summary(frames), indent=2, ensure_ascii=False) + "\n",
                                                     encoding="utf-8")
            (tmp / "region.toml").write_text(toml_text, encoding="utf-8")
            load_config(tmp / "region.toml")  # refuse to publish a config the pipeline would refuse
            _swap(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return out


def _swap(tmp: Path, out: Path) -> None:
    """Replace ``out`` by ``tmp``, carrying over files that are not pooled inputs (README)."""
    replace_folder(tmp, out, POOLED_FILES, what="the pooled inputs folder")


def load_pooled(folder: str | Path) -> PooledData:
    """Load a folder written by :func:`write_pooled_inputs`.

    Raises
    ------
    DataError
        When a file is missing or unreadable (write the pooled inputs again).
    """
    folder = Path(folder)
    missing = [f for f in POOLED_FILES if not (folder / f).is_file()]
    if missing:
        raise DataError(f"{folder} is not a pooled inputs folder ({', '.join(missing)} missing); "
                        "run the batch (or pooled.write_pooled_inputs) again")
    try:
        frames = {n: pd.read_parquet(folder / f"{n}.parquet") for n in ("panel", "ikm", "kepatuhan", "wilayah")}
        summary = json.loads((folder / "ingest_summary.json").read_text(encoding="utf-8"))
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise DataError(f"{folder} cannot be read ({type(exc).__name__}: {exc}); write the pooled inputs again") from None
    return PooledData(**frames, config=load_config(folder / "region.toml"), summary=summary, folder=folder)


def _as_data(data) -> PooledData:
    if isinstance(data, PooledData):
        return data
    if isinstance(data, (str, Path)):
        return load_pooled(data)
    frames, text = pool_parts(list(data))
    import tomllib

    cfg = RegionConfig.model_validate(tomllib.loads(text))
    return PooledData(**frames, config=cfg, summary=_summary(frames))


# --------------------------------------------------------------------------------------
# pooled DiD
# --------------------------------------------------------------------------------------
def _aligned(panel: pd.DataFrame, outcome: str, align: str) -> tuple[pd.DataFrame, dict, dict]:
    """The estimation panel: calendar alignment, offices without a pre-period out, no missing outcome."""
    if align not in ("common", "union"):
        raise ValueError(f"align must be 'common' or 'union', got {align!r}")
    data = panel[["kode_wilayah", "kode_unit", "t", "cohort", outcome]].copy()
    data["cohort"] = data["cohort"].fillna(0).astype("int64")
    span = data.groupby("kode_wilayah")["t"].agg(["min", "max"])
    t0, t1 = (int(span["min"].max()), int(span["max"].min())) if align == "common" else (
        int(span["min"].min()), int(span["max"].max()))
    if t1 <= t0:
        raise did.PanelDataError(f"the regions share no two calendar months (common window {t0}..{t1}); "
                                 "use align='union'")
    data = data[data["t"].between(t0, t1)]
    # A rotation after the window is not a rotation inside it (as build_panel's window rule).
    data.loc[data["cohort"] > t1, "cohort"] = 0
    first = data.groupby("kode_unit")["t"].min()
    uc = data.groupby("kode_unit")["cohort"].first()
    always = uc[(uc > 0) & (uc <= first.reindex(uc.index))]
    excluded = {u: "treated_in_first_month" for u in always.index}
    data = data[~data["kode_unit"].isin(always.index)]
    n_missing = int(data[outcome].isna().sum())
    data = data[data[outcome].notna()].reset_index(drop=True)
    return data, {"t_start": t0, "t_end": t1, "align": align}, {"excluded": excluded, "n_missing": n_missing}


@dataclass(frozen=True, eq=False)
class PooledDiDResult(did.DiDResult):
    """Result of :func:`pooled_did` (immutable; statsmodels/pyfixest style).

    Attributes
    ----------
    att_gt : AttGTResult
        Group-time effects over every office, inference clustered at the office.
    simple : AggregateResult
        Simple ATT (office-clustered); :attr:`event` is the event study.
    region_simple : AggregateResult or None
        The simple ATT with influence functions summed by region (``G/(G-1)`` factor);
        ``region_df`` = G - 1 gives its ``t`` critical value (few clusters).
    wild_bootstrap : WildBootstrapResult or None
        Restricted wild cluster bootstrap, clustered by region, of the Sun-Abraham overall ATT
        (a close cousin of the simple ATT: the same cells, weighted by cohort shares).
    window : Mapping
        ``align``, ``t_start``, ``t_end`` (calendar month indices).
    excluded_units : Mapping
        Offices left out and why.
    n_regions, n_treated, n_control : int
    control : {"never", "notyet"}
    notes : tuple of str
        Codes (``control_notyet``, ``region_check_not_run:<reason>``, ``warning:<estimator>``).
    """

    att_gt: Any = None
    simple: Any = None
    region_simple: Any = None
    wild_bootstrap: Any = None
    window: Mapping[str, Any] = field(default_factory=dict)
    excluded_units: Mapping[str, str] = field(default_factory=dict)
    n_regions: int = 0
    n_treated: int = 0
    n_control: int = 0
    n_missing: int = 0
    control: str = "never"
    alpha: float = 0.05
    notes: tuple = ()

    @functools.cached_property
    def event(self):
        """The event study (office-clustered ``att_gt(...).aggregate("event")``), computed on first use."""
        return self.att_gt.aggregate("event")

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "window", MappingProxyType(dict(self.window)))
        object.__setattr__(self, "excluded_units", MappingProxyType(dict(self.excluded_units)))

    @property
    def estimate(self) -> float:
        """The simple ATT."""
        return float(self.simple.estimate)

    def conf_int(self, cluster: str = "office") -> tuple[float, float]:
        """Interval of the simple ATT: ``cluster="office"`` (normal) or ``"region"`` (t, G-1 df)."""
        if cluster == "office":
            return tuple(float(x) for x in self.simple.conf_int())
        if cluster == "region":
            row = self.tidy().query("inference == 'region_analytic'")
            return (float(row["conf_low"].iloc[0]), float(row["conf_high"].iloc[0])) if len(row) else (np.nan, np.nan)
        raise ValueError("cluster must be 'office' or 'region'")

    def _title(self) -> str:
        return (f"Pooled staggered DiD (Callaway-Sant'Anna) over {self.n_regions} regions, "
                f"{self.n_units} offices, control={self.control}")

    def tidy(self) -> pd.DataFrame:
        """One row per inference of the overall ATT: ``term, inference, n_clusters, estimate,
        std_error, statistic, pvalue, conf_low, conf_high``."""
        rows = []

        def add(term, inference, n_cl, est, se, lo, hi, pval):
            rows.append({"term": term, "inference": inference, "n_clusters": n_cl, "estimate": est, "std_error": se,
                         "statistic": est / se if se and se > 0 else np.nan, "pvalue": pval,
                         "conf_low": lo, "conf_high": hi})

        lo, hi = self.simple.conf_int()
        add("att_simple", "office", self.n_units, self.simple.estimate, self.simple.std_error, lo, hi,
            self.simple.pvalue)
        if self.region_simple is not None:
            est, se = self.region_simple.estimate, self.region_simple.std_error
            df = self.n_regions - 1
            q = stats.t.ppf(1 - self.alpha / 2, df)
            add("att_simple", "region_analytic", self.n_regions, est, se, est - q * se, est + q * se,
                float(2 * stats.t.sf(abs(est / se), df)) if se > 0 else np.nan)
        if self.wild_bootstrap is not None:
            w = self.wild_bootstrap
            wl, wh = w.conf_int()
            add("att_sun_abraham", "region_wild_bootstrap", self.n_regions, w.estimate, w.std_error, wl, wh, w.pvalue)
        return pd.DataFrame(rows)

    def event_table(self) -> pd.DataFrame:
        """The event study (office-clustered): the event aggregation's tidy table."""
        return self.event.tidy() if self.event is not None else pd.DataFrame()

    def to_dict(self) -> dict:
        d = super().to_dict()
        d.update(_plain({"window": dict(self.window), "excluded_units": dict(self.excluded_units),
                         "n_regions": self.n_regions, "n_treated": self.n_treated, "n_control": self.n_control,
                         "n_missing": self.n_missing, "control": self.control, "alpha": self.alpha,
                         "notes": list(self.notes)}))
        d["event"] = self.event.to_dict() if self.event is not None else None
        return d


def pooled_did(data, outcome: str | None = None, *, control: str = "auto", align: str = "common",
               alpha: float | None = None, region_check: bool = True, wild_bootstrap: bool = True,
               n_boot: int = 9999, seed: int = 0) -> PooledDiDResult:
    """Staggered DiD over every office of every region, stacked.

    Parameters
    ----------
    data : PooledData, folder or sequence of RegionPart
    outcome : str, optional
        Default the regions' headline outcome.
    control : {"auto", "never", "notyet"}
        ``auto``: never-rotated offices when there are at least ``min_control_units`` of them
        (the pooled config's), else not-yet-rotated ones.
    align : {"common", "union"}
        Calendar alignment (module docstring).
    alpha : float, optional
        Default the pooled config's.
    region_check : bool, default True
        Also cluster at the region: analytic (influence functions summed by region, t with
        G - 1 df) and, with ``wild_bootstrap``, the wild cluster bootstrap.
    wild_bootstrap : bool, default True
        Restricted wild cluster bootstrap by region of the Sun-Abraham overall ATT (Rademacher,
        all sign vectors enumerated when ``2**G <= n_boot``; Webb weights below 12 regions).
    n_boot : int, default 9999
    seed : int, default 0

    Returns
    -------
    PooledDiDResult

    Raises
    ------
    mutasi_analysis.did.PanelDataError
        When the stacked panel cannot support ``att_gt`` (e.g. no treated office).
    """
    data = _as_data(data)
    outcome = outcome or data.outcome
    alpha = data.config.thresholds.alpha if alpha is None else float(alpha)
    if control not in ("auto", "never", "notyet"):
        raise ValueError(f"control must be 'auto', 'never' or 'notyet', got {control!r}")
    panel, window, info = _aligned(data.panel, outcome, align)
    uc = panel.groupby("kode_unit")["cohort"].first()
    n_never = int((uc == 0).sum())
    notes = []
    if control == "auto":
        control = "never" if n_never >= data.config.thresholds.min_control_units else "notyet"
        if control == "notyet":
            notes.append("control_notyet")
    common = dict(outcome=outcome, unit="kode_unit", time="t", cohort="cohort", control=control, alpha=alpha)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        att = did.att_gt(panel, **common)
        simple = att.aggregate("simple")
    notes += [f"warning:att_gt:{w.message}" for w in caught]
    n_regions = int(panel["kode_wilayah"].nunique())
    region_simple = wcb = None
    if region_check and n_regions >= 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "a cohort lies in a single cluster" is expected by region
            region_simple = did.att_gt(panel, cluster="kode_wilayah", **common).aggregate("simple")
        if wild_bootstrap:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sa = did.sun_abraham(panel, outcome, "kode_unit", "t", "cohort", cluster="kode_wilayah", alpha=alpha)
                    wcb = sa.wild_bootstrap(n_boot=n_boot, seed=seed,
                                            weights="webb" if n_regions < 12 else "rademacher")
            except did.PanelDataError as exc:
                notes.append(f"region_check_not_run:{exc}")
            if wcb is not None and not np.all(np.isfinite(np.asarray(wcb.conf_int(), dtype=float))):
                # With very few regions (two) the inverted test finds no bound: no interval to show.
                wcb = None
                notes.append("region_check_not_run:unbounded_interval")
    elif region_check:
        notes.append("region_check_not_run:one_region")
    call = {"outcome": outcome, "control": control, "align": align, "alpha": alpha, "region_check": region_check,
            "wild_bootstrap": wild_bootstrap, "n_boot": n_boot, "seed": seed}
    return PooledDiDResult(
        method="pooled_att_gt", call=call, n_obs=int(len(panel)), n_units=int(len(uc)), att_gt=att, simple=simple,
        region_simple=region_simple, wild_bootstrap=wcb, window=window,
        excluded_units=info["excluded"], n_regions=n_regions, n_treated=int((uc > 0).sum()),
        n_control=n_never if control == "never" else int(len(uc)), n_missing=info["n_missing"], control=control,
        alpha=alpha, notes=tuple(notes))


# --------------------------------------------------------------------------------------
# league tables
# --------------------------------------------------------------------------------------
def league_table(data, measure: str = "ikm", *, alpha: float | None = None) -> pd.DataFrame:
    """Regions ranked by IKM or by rotation compliance, with uncertainty and small regions flagged.

    Parameters
    ----------
    data : PooledData, folder or sequence of RegionPart
    measure : {"ikm", "kepatuhan"}
        ``ikm``: the region's IKM in the period with its bootstrap interval (from
        :func:`region_part`). ``kepatuhan``: the share of the period's moves that broke no
        rule, with a Wilson interval (statsmodels ``proportion_confint``).
    alpha : float, optional
        Level of the Wilson interval; default the pooled config's.

    Returns
    -------
    DataFrame
        ``rank, kode_wilayah, nama_wilayah, n`` (respondents, or moves), ``estimate, conf_low,
        conf_high, small`` (``n`` below the config's ``min_cell_size``: the value is
        suppressed, NaN, and the region is not ranked; the privacy rule that hides any cell
        built from fewer people), and ``rank_low, rank_high``: the best and worst rank
        compatible with the intervals (a region's rank can be told apart from another's only
        when their intervals do not overlap). Higher is better for both measures; rank 1 is
        best. Regions without data have ``n`` = 0 and are flagged small.
    """
    data = _as_data(data)
    min_n = data.config.thresholds.min_cell_size
    alpha = data.config.thresholds.alpha if alpha is None else float(alpha)
    names = data.wilayah[["kode_wilayah", "nama_wilayah"]]
    if measure == "ikm":
        t = data.ikm.rename(columns={"n_responden": "n", "ikm": "estimate"})[
            ["kode_wilayah", "n", "estimate", "conf_low", "conf_high"]].copy()
    elif measure == "kepatuhan":
        from statsmodels.stats.proportion import proportion_confint

        k = data.kepatuhan
        n = k["n_mutasi"].to_numpy(int)
        ok = k["n_patuh"].to_numpy(int)
        lo, hi = proportion_confint(ok, np.maximum(n, 1), alpha=alpha, method="wilson")
        t = pd.DataFrame({"kode_wilayah": k["kode_wilayah"], "n": n, "estimate": np.where(n > 0, ok / np.maximum(n, 1), np.nan),
                          "conf_low": np.where(n > 0, lo, np.nan), "conf_high": np.where(n > 0, hi, np.nan)})
    else:
        raise ValueError(f"measure must be 'ikm' or 'kepatuhan', got {measure!r}")
    t = names.merge(t, on="kode_wilayah", how="left")
    t["n"] = t["n"].fillna(0).astype("int64")
    t["small"] = t["n"] < min_n
    t.loc[t["small"], ["estimate", "conf_low", "conf_high"]] = np.nan
    ranked = t[~t["small"] & t["estimate"].notna()]
    t["rank"] = ranked["estimate"].rank(ascending=False, method="min").astype("Int64").reindex(t.index)
    # Rank range: better for sure = regions whose lower end exceeds my upper end, and so on.
    lo_, hi_ = ranked["conf_low"].fillna(ranked["estimate"]), ranked["conf_high"].fillna(ranked["estimate"])
    rl, rh = {}, {}
    for i in ranked.index:
        rl[i] = 1 + int((lo_ > hi_[i]).sum())
        rh[i] = len(ranked) - int((hi_ < lo_[i]).sum())
    t["rank_low"] = pd.Series(rl, dtype="Int64").reindex(t.index)
    t["rank_high"] = pd.Series(rh, dtype="Int64").reindex(t.index)
    t = t.sort_values(["rank", "kode_wilayah"], na_position="last", kind="stable").reset_index(drop=True)
    t.attrs.update(measure=measure, min_cell_size=min_n)
    return t[["rank", "kode_wilayah", "nama_wilayah", "n", "estimate", "conf_low", "conf_high", "small",
              "rank_low", "rank_high"]]


# --------------------------------------------------------------------------------------
# heterogeneity with shrinkage
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ShrinkageResult:
    """Result of :func:`shrink_by_region` (immutable).

    Attributes
    ----------
    table : DataFrame
        One row per region: ``kode_wilayah, status`` (``ok`` or ``not_estimated``),
        ``reason`` (from :data:`NOT_ESTIMATED_REASONS`, None when ok), ``n_treated,
        n_control, estimate, std_error`` (the region's own simple ATT, office-clustered),
        ``shrunk`` (empirical-Bayes posterior mean), ``shrunk_sd`` (its posterior SD),
        ``weight`` (the share of the region's own estimate in ``shrunk``).
    mean, mean_std_error : float
        Random-effects mean of the regions' ATTs and its SE.
    tau2 : float
        Between-region variance of the effect.
    method_re : str
        ``"pm"`` (Paule-Mandel) or ``"dl"`` (DerSimonian-Laird).
    call : Mapping
    """

    table: pd.DataFrame
    mean: float
    mean_std_error: float
    tau2: float
    method_re: str
    i2: float = float("nan")
    call: Mapping[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """The per-region table."""
        return self.table.copy()

    def summary(self) -> str:
        head = (f"Heterogeneity by region ({self.method_re}): tau^2 = {self.tau2:.4g}, random-effects mean "
                f"{self.mean:.4g} (SE {self.mean_std_error:.4g}), I^2 = {self.i2:.3g}")
        return head + "\n" + self.table.to_string(index=False, float_format=lambda x: f"{x:.4g}")

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict:
        return _plain({"method": "shrink_by_region", "call": dict(self.call), "tau2": self.tau2, "mean": self.mean,
                       "mean_std_error": self.mean_std_error, "i2": self.i2, "method_re": self.method_re,
                       "table": self.table})


def _region_att(panel: pd.DataFrame, outcome: str, control: str, alpha: float, min_tr: int, min_co: int) -> dict:
    uc = panel.groupby("kode_unit")["cohort"].first()
    n_tr, n_never = int((uc > 0).sum()), int((uc == 0).sum())
    ctl = control if control != "auto" else ("never" if n_never >= min_co else "notyet")
    n_co = n_never if ctl == "never" else int(len(uc))
    row = {"n_treated": n_tr, "n_control": n_co, "control": ctl, "estimate": np.nan, "std_error": np.nan}
    if n_tr < min_tr:
        return {**row, "status": "not_estimated", "reason": "few_treated"}
    if n_co < min_co:
        return {**row, "status": "not_estimated", "reason": "few_control"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = did.att_gt(panel, outcome, "kode_unit", "t", "cohort", control=ctl, alpha=alpha).aggregate("simple")
    except did.PanelDataError:
        return {**row, "status": "not_estimated", "reason": "no_post_cells"}
    if not (np.isfinite(s.estimate) and np.isfinite(s.std_error) and s.std_error > 0):
        return {**row, "status": "not_estimated", "reason": "no_post_cells"}
    return {**row, "status": "ok", "reason": None, "estimate": float(s.estimate), "std_error": float(s.std_error)}


def shrink_by_region(data, outcome: str | None = None, *, method_re: str = "pm", control: str = "auto",
                     align: str = "common", alpha: float | None = None) -> ShrinkageResult:
    """Each region's own ATT, and partial pooling of them (empirical Bayes).

    Parameters
    ----------
    data : PooledData, folder or sequence of RegionPart
    outcome : str, optional
    method_re : {"pm", "dl"}
        Estimator of the between-region variance ``tau^2`` in statsmodels
        ``combine_effects``: Paule-Mandel (default) or DerSimonian-Laird.
    control : {"auto", "never", "notyet"}
        Per region, as :func:`pooled_did` (``auto`` decides region by region).
    align : {"common", "union"}
        The same window as :func:`pooled_did`, so the regions' ATTs average the same months.
    alpha : float, optional

    Returns
    -------
    ShrinkageResult
        Regions whose own ATT cannot be estimated (fewer than the config's
        ``min_treated_units`` treated or ``min_control_units`` control offices, or no
        post-rotation cell) are listed with their reason and no estimate; they do not enter
        ``tau^2``. Their ``shrunk`` value is the random-effects mean (the prior) with SD
        ``sqrt(tau^2 + mean_std_error^2)``.

    Notes
    -----
    With regional effects ``theta_i ~ N(mu, tau^2)`` and estimates ``y_i ~ N(theta_i, v_i)``,
    the posterior of ``theta_i`` given ``mu`` and ``tau^2`` is normal with mean
    ``B_i * y_i + (1 - B_i) * mu`` and variance ``B_i * v_i``, where ``B_i = tau^2 / (tau^2 +
    v_i)``. Plugging in the estimated ``mu`` adds ``(1 - B_i)^2 * Var(mu_hat)`` to the
    variance (the first-order correction for estimating the prior mean; the uncertainty of
    ``tau^2`` itself is not propagated). The formula is written here because statsmodels'
    ``combine_effects`` returns ``tau^2`` and the mean but not these best linear unbiased
    predictions (BLUPs).
    """
    from statsmodels.stats.meta_analysis import combine_effects

    if method_re not in ("pm", "dl"):
        raise ValueError(f"method_re must be 'pm' or 'dl', got {method_re!r}")
    data = _as_data(data)
    outcome = outcome or data.outcome
    th = data.config.thresholds
    alpha = th.alpha if alpha is None else float(alpha)
    panel, _, _ = _aligned(data.panel, outcome, align)
    rows = []
    for code in data.regions:
        sub = panel[panel["kode_wilayah"] == code]
        if sub.empty:
            rows.append({"kode_wilayah": code, "n_treated": 0, "n_control": 0, "control": None, "estimate": np.nan,
                         "std_error": np.nan, "status": "not_estimated", "reason": "panel_error"})
            continue
        rows.append({"kode_wilayah": code, **_region_att(sub, outcome, control, alpha, th.min_treated_units,
                                                          th.min_control_units)})
    t = pd.DataFrame(rows)
    ok = t["status"].eq("ok").to_numpy()
    y, v = t.loc[ok, "estimate"].to_numpy(float), t.loc[ok, "std_error"].to_numpy(float) ** 2
    if ok.sum() >= 2:
        res = combine_effects(y, v, method_re=method_re)
        tau2, mu = float(res.tau2), float(res.mean_effect_re)
        var_mu = float(res.sd_eff_w_re) ** 2  # SE of the random-effects mean
        i2 = max(0.0, float(res.i2))  # statsmodels gives 1 - 1/H^2 uncut; I^2 is max(0, (Q - df) / Q)
    elif ok.sum() == 1:
        tau2, mu, var_mu, i2 = float("nan"), float(y[0]), float(v[0]), float("nan")
    else:
        tau2 = mu = var_mu = i2 = float("nan")
    # Empirical-Bayes posterior (BLUP) by hand: statsmodels gives tau^2 and mu but no BLUPs.
    vi = t["std_error"].to_numpy(float) ** 2
    tau = 0.0 if not np.isfinite(tau2) else tau2
    B = np.where(ok, tau / (tau + vi), 0.0) if np.isfinite(mu) else np.full(len(t), np.nan)
    est = t["estimate"].to_numpy(float)
    t["weight"] = B
    t["shrunk"] = np.where(ok, B * np.nan_to_num(est) + (1 - B) * mu, mu)
    t["shrunk_sd"] = np.where(ok, np.sqrt(B * np.nan_to_num(vi) + (1 - B) ** 2 * var_mu), np.sqrt(tau + var_mu))
    t = t[["kode_wilayah", "status", "reason", "control", "n_treated", "n_control", "estimate", "std_error",
           "shrunk", "shrunk_sd", "weight"]]
    return ShrinkageResult(table=t, mean=mu, mean_std_error=math.sqrt(var_mu) if np.isfinite(var_mu) else float("nan"),
                           tau2=tau2, method_re=method_re, i2=i2,
                           call={"outcome": outcome, "method_re": method_re, "control": control, "align": align,
                                 "alpha": alpha})


# --------------------------------------------------------------------------------------
# bundle
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PooledResult:
    """Result of :func:`analyse_pooled` (immutable).

    Attributes
    ----------
    did : PooledDiDResult or None
        None when the stacked panel cannot support the estimator (``did_error`` says why).
    league_ikm, league_kepatuhan : DataFrame
    shrinkage : ShrinkageResult or None
    wilayah : DataFrame
        The regions' meta rows.
    call : Mapping
    did_error : str or None
    """

    did: PooledDiDResult | None
    league_ikm: pd.DataFrame
    league_kepatuhan: pd.DataFrame
    shrinkage: ShrinkageResult | None
    wilayah: pd.DataFrame
    call: Mapping[str, Any] = field(default_factory=dict)
    did_error: str | None = None

    def facts(self) -> dict:
        """The headline numbers as plain values (for the record and the summary)."""
        out = {"n_regions": int(len(self.wilayah)), "n_units": int(self.wilayah["n_unit"].sum()),
               "did_error": self.did_error}
        if self.did is not None:
            tidy = self.did.tidy().set_index("inference")
            out.update({"att": self.did.estimate, "n_treated": self.did.n_treated, "control": self.did.control,
                        "conf_low_office": tidy.loc["office", "conf_low"],
                        "conf_high_office": tidy.loc["office", "conf_high"], "pvalue_office": tidy.loc["office", "pvalue"]})
            if "region_analytic" in tidy.index:
                out.update(conf_low_region=tidy.loc["region_analytic", "conf_low"],
                           conf_high_region=tidy.loc["region_analytic", "conf_high"])
        if self.shrinkage is not None:
            out.update(tau2=self.shrinkage.tau2, re_mean=self.shrinkage.mean,
                       n_not_estimated=int(self.shrinkage.table["status"].ne("ok").sum()))
        for m, t in (("ikm", self.league_ikm), ("kepatuhan", self.league_kepatuhan)):
            top = t[t["rank"].eq(1).fillna(False)]
            out[f"{m}_top"] = None if top.empty else str(top["kode_wilayah"].iloc[0])
            out[f"{m}_n_small"] = int(t["small"].sum())
        return _plain(out)

    def to_dict(self) -> dict:
        return _plain({"call": dict(self.call), "facts": self.facts(),
                       "did": None if self.did is None else self.did.to_dict(),
                       "shrinkage": None if self.shrinkage is None else self.shrinkage.to_dict(),
                       "league_ikm": self.league_ikm, "league_kepatuhan": self.league_kepatuhan,
                       "wilayah": self.wilayah})


def analyse_pooled(data, config: RegionConfig | None = None, *, outcome: str | None = None, control: str = "auto",
                   align: str = "common", method_re: str = "pm", n_boot: int = 9999, seed: int = 0,
                   wild_bootstrap: bool = True) -> PooledResult:
    """The pooled analysis: :func:`pooled_did`, both :func:`league_table` s, :func:`shrink_by_region`.

    Parameters
    ----------
    data : PooledData, folder or sequence of RegionPart
    config : RegionConfig, optional
        The pooled config (a report passes ``ctx.config``); default the one in ``data``.
    outcome, control, align, method_re, n_boot, seed, wild_bootstrap
        As in the functions called.

    Returns
    -------
    PooledResult
        A stacked panel the estimator cannot use gives ``did=None`` with ``did_error``, not
        an exception, so that the league tables are still shown.
    """
    data = _as_data(data)
    if config is not None:
        data = PooledData(panel=data.panel, ikm=data.ikm, kepatuhan=data.kepatuhan, wilayah=data.wilayah,
                          config=config, summary=data.summary, folder=data.folder)
    err = None
    try:
        d = pooled_did(data, outcome, control=control, align=align, n_boot=n_boot, seed=seed,
                       wild_bootstrap=wild_bootstrap)
    except did.PanelDataError as exc:
        d, err = None, str(exc)
    try:
        sh = shrink_by_region(data, outcome, method_re=method_re, control=control, align=align)
    except did.PanelDataError:
        sh = None
    call = {"outcome": outcome or data.outcome, "control": control, "align": align, "method_re": method_re,
            "n_boot": n_boot, "seed": seed, "wild_bootstrap": wild_bootstrap}
    return PooledResult(did=d, league_ikm=league_table(data, "ikm"), league_kepatuhan=league_table(data, "kepatuhan"),
                        shrinkage=sh, wilayah=data.wilayah, call=call, did_error=err)
