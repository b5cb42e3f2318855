"""The pooled report's views: what ``notebooks/gabungan/01_gabungan.ipynb`` shows and records.

The pooled analysis itself is :mod:`mutasi_analysis.pooled`; this module turns a
:class:`~mutasi_analysis.pooled.PooledResult` into the frames the section shows (codes and
numbers, labelled by the catalogue's ``pooled.*`` keys at display time), its forest plot, and
its language-free record (:class:`mutasi_analysis.sections.PooledRecord`). The workbook's tables
are :func:`mutasi_analysis.reporting.tables.pooled_tables`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .. import text
from ..errors import MutasiError

__all__ = ["POOLED_SECTION", "check_period", "regions_table", "window", "inference_table", "region_check", "event_frame",
           "effects_table", "not_estimated", "league_view", "hidden_columns", "shown", "forest_plot", "event_plot", "pooled_record"]

#: Notebook (and record) name of the pooled report's section.
POOLED_SECTION = "01_gabungan"

#: Order of the overall ATT's inferences in tables and records.
_INFERENCES = ("office", "region_analytic", "region_wild_bootstrap")


def check_period(data, period) -> None:
    """Refuse to report period ``period`` from pooled inputs written for another one.

    Raises
    ------
    MutasiError
        Naming both periods and the fix (run the batch for the period again).
    """
    have = sorted(set(data.wilayah["periode"].astype(str)))
    if have != [period.id]:
        raise MutasiError(f"the pooled inputs in {data.folder} are for period {', '.join(have)}, not {period.id}; "
                          f"run `mutasi batch --period {period.id}` to pool the regions for it")


def regions_table(data) -> pd.DataFrame:
    """One row per pooled region: ``kode_wilayah, nama_wilayah, n_unit, n_treated, data_start, data_end``."""
    w = data.wilayah
    out = w[["kode_wilayah", "nama_wilayah", "n_unit", "n_treated", "data_start", "data_end"]].copy()
    for c in ("n_unit", "n_treated"):
        out[c] = out[c].astype("int64")
    for c in ("data_start", "data_end"):
        out[c] = pd.to_datetime(out[c]).dt.date
    return out.reset_index(drop=True)


def window(result) -> dict[str, Any]:
    """The months the pooled DiD compares: ``start, end`` (``YYYY-MM``), ``months``, ``align``.

    Empty when the DiD could not run.
    """
    if result.did is None:
        return {}
    w = dict(result.did.window)
    t0, t1 = int(w["t_start"]), int(w["t_end"])
    return {"start": f"{t0 // 12:04d}-{t0 % 12 + 1:02d}", "end": f"{t1 // 12:04d}-{t1 % 12 + 1:02d}",
            "months": t1 - t0 + 1, "align": w.get("align")}


def inference_table(result) -> pd.DataFrame:
    """The overall ATT by each inference: ``inference`` (code), ``n_clusters, estimate, std_error,
    conf_low, conf_high, pvalue``; office-clustered first. Empty without a DiD."""
    cols = ["inference", "n_clusters", "estimate", "std_error", "conf_low", "conf_high", "pvalue"]
    if result.did is None:
        return pd.DataFrame(columns=cols)
    t = result.did.tidy()
    t = t.set_index("inference").reindex([i for i in _INFERENCES if i in set(t["inference"])]).reset_index()
    t["n_clusters"] = t["n_clusters"].astype("int64")
    return t[cols]


def region_check(result) -> dict[str, Any]:
    """The region-clustered check of the pooled ATT, in one place for the narrative.

    Returns
    -------
    dict
        ``n_regions``, ``df`` (G - 1), ``conf_low, conf_high`` (analytic, t with G - 1 df),
        ``wild_low, wild_high`` (wild cluster bootstrap, None when not run) and ``excludes_zero``:
        True when every region-clustered interval run excludes zero. Empty without a DiD or
        without the analytic check (one region).
    """
    t = inference_table(result).set_index("inference")
    if "region_analytic" not in t.index:
        return {}
    out = {"n_regions": int(result.did.n_regions), "df": int(result.did.n_regions) - 1,
           "conf_low": float(t.loc["region_analytic", "conf_low"]), "conf_high": float(t.loc["region_analytic", "conf_high"]),
           "wild_low": None, "wild_high": None}
    if "region_wild_bootstrap" in t.index:
        out.update(wild_low=float(t.loc["region_wild_bootstrap", "conf_low"]),
                   wild_high=float(t.loc["region_wild_bootstrap", "conf_high"]))
    pairs = [(out["conf_low"], out["conf_high"])] + ([(out["wild_low"], out["wild_high"])] if out["wild_low"] is not None
                                                     else [])
    out["excludes_zero"] = all(lo > 0 or hi < 0 for lo, hi in pairs)
    return out


def event_frame(result) -> pd.DataFrame:
    """The pooled event study (office-clustered): ``event_time, estimate, conf_low, conf_high``."""
    cols = ["event_time", "estimate", "conf_low", "conf_high"]
    if result.did is None:
        return pd.DataFrame(columns=cols)
    t = result.did.event_table()
    t = t[t["term"].astype(str).str.startswith("event_time=")].copy()
    t["event_time"] = t["term"].str.split("=", n=1).str[1].astype(float).astype("int64")
    return t[cols].sort_values("event_time").reset_index(drop=True)


def effects_table(result, alpha: float = 0.05) -> pd.DataFrame:
    """Each region's rotation effect, its own and partially pooled.

    Returns
    -------
    DataFrame
        ``kode_wilayah, nama_wilayah, status, reason, n_treated, n_control, estimate, conf_low,
        conf_high`` (the region's own ATT, normal interval from its office-clustered SE),
        ``shrunk, shrunk_low, shrunk_high`` (empirical-Bayes mean and the interval from its
        posterior SD), ``weight`` (share of the region's own estimate in ``shrunk``).
        Regions are in the pooled order. Empty without a shrinkage result.
    """
    cols = ["kode_wilayah", "nama_wilayah", "status", "reason", "n_treated", "n_control", "estimate", "conf_low",
            "conf_high", "shrunk", "shrunk_low", "shrunk_high", "weight"]
    if result.shrinkage is None:
        return pd.DataFrame(columns=cols)
    z = float(stats.norm.ppf(1 - alpha / 2))
    t = result.shrinkage.tidy().merge(result.wilayah[["kode_wilayah", "nama_wilayah"]], on="kode_wilayah", how="left")
    t["conf_low"], t["conf_high"] = t["estimate"] - z * t["std_error"], t["estimate"] + z * t["std_error"]
    t["shrunk_low"], t["shrunk_high"] = t["shrunk"] - z * t["shrunk_sd"], t["shrunk"] + z * t["shrunk_sd"]
    ok = t["status"].eq("ok")
    t.loc[~ok, "weight"] = np.nan
    for c in ("n_treated", "n_control"):
        t[c] = t[c].astype("int64")
    return t[cols].reset_index(drop=True)


def not_estimated(result) -> pd.DataFrame:
    """Regions whose own effect could not be estimated: ``kode_wilayah, nama_wilayah, reason``."""
    t = effects_table(result)
    return t.loc[t["status"].ne("ok"), ["kode_wilayah", "nama_wilayah", "reason"]].reset_index(drop=True)


#: The count and the value column of each league table (:func:`mutasi_analysis.pooled.league_table`).
_LEAGUE_COLUMNS = {"ikm": ("n_responden", "ikm"), "kepatuhan": ("n_mutasi", "share_patuh")}


def league_view(table: pd.DataFrame, measure: str, min_cell: int):
    """A league table as shown and recorded, after small-cell suppression.

    Parameters
    ----------
    table : DataFrame
        :func:`mutasi_analysis.pooled.league_table` of ``measure``.
    measure : {"ikm", "kepatuhan"}
    min_cell : int
        The pooled config's ``min_cell_size``.

    Returns
    -------
    mutasi_analysis.suppression.Suppressed
        Columns ``rank, kode_wilayah, nama_wilayah, n_responden`` (or ``n_mutasi``), ``ikm``
        (or ``share_patuh``), ``conf_low, conf_high, rank_low, rank_high``. A region whose
        count of people (respondents, or staff moved) is 1 to ``min_cell - 1`` has its value
        and interval hidden (the league table leaves them out already) and its count too; the
        counts are suppressed as a column whose total is public (:func:`suppression.suppress`,
        ``published="columns"``), so one more count may be hidden to protect it.
    """
    from ..suppression import Suppressed, suppress

    n_col, v_col = _LEAGUE_COLUMNS[measure]
    t = table.rename(columns={"n": n_col, "estimate": v_col})[
        ["rank", "kode_wilayah", "nama_wilayah", n_col, v_col, "conf_low", "conf_high", "rank_low", "rank_high"]
    ].reset_index(drop=True)
    counts = suppress(t[[n_col]].astype("int64"), min_cell=min_cell, published="columns")
    primary = pd.DataFrame(False, index=t.index, columns=t.columns)
    small = counts.primary[n_col].to_numpy()
    primary[n_col] = small
    hidden = primary.copy()
    hidden[n_col] = counts.hidden[n_col].to_numpy()
    for c in (v_col, "conf_low", "conf_high"):
        hidden[c] = small
    shown = t.copy()
    shown[n_col] = shown[n_col].astype("Int64").mask(hidden[n_col])
    for c in (v_col, "conf_low", "conf_high"):
        shown[c] = shown[c].astype("float64").mask(hidden[c])
    return Suppressed(table=shown, hidden=hidden, primary=primary, min_cell=int(min_cell))


def hidden_columns(view) -> list[str]:
    """The columns of a :func:`league_view` with a hidden cell, as :func:`shown` names them
    (``ctx.table(..., suppressed=...)`` shows their missing cells as ``*``)."""
    return [f"pooled.col.{c}" for c in view.hidden.columns if bool(view.hidden[c].any())]


_CODES = {"inference": "pooled.inference.", "reason": "pooled.reason.", "status": "pooled.status."}


def shown(frame: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """``frame`` ready for ``ctx.table``: codes (inference, status, reason) and dates in words,
    columns renamed to their ``pooled.col.*`` catalogue keys (``ctx.table`` labels them)."""
    out = frame.copy()
    for col, prefix in _CODES.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, p=prefix: "" if v is None or (isinstance(v, float) and math.isnan(v))
                                    else text.label(p + str(v), lang))
    if "pvalue" in out.columns:  # "< 0,001" rather than "0,000"
        out["pvalue"] = out["pvalue"].map(lambda v: "" if v is None or v != v else
                                          text.fmt_p(v, lang).removeprefix("p ").removeprefix("= "))
    for col in ("data_start", "data_end"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: text.fmt_date(v, lang))
    return out.rename(columns={c: f"pooled.col.{c}" for c in out.columns if f"pooled.col.{c}" in text.LABELS})


def forest_plot(ax, effects: pd.DataFrame, lang: str = "id", mean: float | None = None):
    """Each region's own estimate with its interval (open marker) beside its shrunken estimate
    and interval (filled marker); regions not estimated are listed on the axis without a raw
    estimate; the random-effects mean is a dashed line."""
    e = effects.reset_index(drop=True)
    y = np.arange(len(e))[::-1].astype(float)
    ok = e["status"].eq("ok").to_numpy()
    ax.errorbar(e.loc[ok, "estimate"], y[ok] + 0.15,
                xerr=[e.loc[ok, "estimate"] - e.loc[ok, "conf_low"], e.loc[ok, "conf_high"] - e.loc[ok, "estimate"]],
                fmt="o", mfc="white", color="#4c72b0", capsize=3, label=text.label("pooled.plot.raw", lang))
    ax.errorbar(e["shrunk"], y - 0.15, xerr=[e["shrunk"] - e["shrunk_low"], e["shrunk_high"] - e["shrunk"]],
                fmt="s", color="#dd8452", capsize=3, label=text.label("pooled.plot.shrunk", lang))
    if mean is not None and math.isfinite(mean):
        ax.axvline(mean, color="#dd8452", ls="--", lw=1, label=text.label("pooled.plot.re_mean", lang))
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(e["nama_wilayah"].fillna(e["kode_wilayah"]))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    return ax


def event_plot(ax, event: pd.DataFrame, lang: str = "id"):
    """The pooled event study: estimate and interval by month since rotation, zero line, rotation line."""
    ax.fill_between(event["event_time"], event["conf_low"], event["conf_high"], color="#4c72b0", alpha=0.2,
                    label=text.label("pooled.plot.ci", lang))
    ax.plot(event["event_time"], event["estimate"], marker="o", ms=3, color="#4c72b0",
            label=text.label("pooled.plot.estimate", lang))
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(-0.5, color="black", ls=":", lw=1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
    return ax


def _f(v) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def pooled_record(result, data) -> dict[str, Any]:
    """The section's language-free results (:class:`mutasi_analysis.sections.PooledRecord`),
    without ``headline`` and ``tables`` (the notebook adds them)."""
    facts = result.facts()
    d = result.did
    k = int(data.config.thresholds.min_cell_size)
    eff = effects_table(result, d.alpha if d is not None else data.config.thresholds.alpha)
    return {
        "outcome": str(data.outcome),
        "regions": [str(c) for c in data.regions],
        "n_regions": int(facts["n_regions"]),
        "n_units": int(facts["n_units"]),
        "window": window(result),
        "did_error": facts.get("did_error"),
        "att": _f(facts.get("att")),
        "conf_low": _f(facts.get("conf_low_office")),
        "conf_high": _f(facts.get("conf_high_office")),
        "pvalue": _f(facts.get("pvalue_office")),
        "conf_low_region": _f(facts.get("conf_low_region")),
        "conf_high_region": _f(facts.get("conf_high_region")),
        "alpha": float(d.alpha if d is not None else data.config.thresholds.alpha),
        "control": facts.get("control"),
        "n_units_did": int(d.n_units) if d is not None else None,
        "n_treated": int(d.n_treated) if d is not None else None,
        "n_control": int(d.n_control) if d is not None else None,
        "excluded_units": dict(d.excluded_units) if d is not None else {},
        "inference": inference_table(result),
        "event_study": event_frame(result),
        "tau2": _f(facts.get("tau2")),
        "re_mean": _f(facts.get("re_mean")),
        "i2": _f(result.shrinkage.i2) if result.shrinkage is not None else None,
        "by_region": eff,
        "not_estimated": {str(r["kode_wilayah"]): str(r["reason"]) for _, r in eff[eff["status"].ne("ok")].iterrows()},
        "league_ikm": league_view(result.league_ikm, "ikm", k).table,
        "league_kepatuhan": league_view(result.league_kepatuhan, "kepatuhan", k).table,
        "min_cell_size": k,
    }
