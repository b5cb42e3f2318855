"""Tables as recorded results: the machine-readable form that the Excel and PDF exports read.

A notebook records each headline table under ``results["tables"][<table id>]``::

    from mutasi_analysis.record import record
    from mutasi_analysis.reporting.tables import table_payload

    shown = suppress(ikm_table, counts, config=cfg)           # small-cell suppression
    record("04_ikm", {
        "headline": {...},
        "tables": {"ikm_unit": table_payload(
            shown, title={"id": "IKM per unit layanan", "en": "IKM by service unit"},
            units={"ikm": {"id": "skor 25-100", "en": "score 25-100"}},
            formats={"ikm": "number"}, decimals={"ikm": 2})},
    })

A payload is plain JSON (``kind = "table"``): ``title`` and each column's ``label`` and
``unit`` in Indonesian and English (a text cell may also be ``{"id": ..., "en": ...}``), a ``format`` and ``decimals`` per column, ``rows`` of
values, ``hidden`` (``[row, column]`` positions of suppressed cells) and an optional
``note``. A suppressed cell's value is written as ``null``: the hidden number never reaches
the results file, so no export can leak it.

The headline tables of a report have fixed ids (:data:`HEADLINE_TABLES`), so that the Excel
workbook has the same sheets, in the same order, for every period and region.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import text

__all__ = [
    "HEADLINE_TABLES", "FORMATS", "TABLES_KEY", "table_payload", "impact_table",
    "findings_table", "check_payload", "column_label", "rotation_tables", "ikm_tables", "feedback_table",
    "plan_tables", "pooled_tables",
]

#: Results key under which a notebook records its tables.
TABLES_KEY = "tables"

#: Headline table ids -> sheet name (Indonesian, English; at most 31 characters for Excel).
HEADLINE_TABLES: dict[str, dict[str, str]] = text.namespace("sheet")

#: Column formats: how a value is shown (Excel number format; PDF/HTML text).
FORMATS = ("text", "integer", "number", "percent", "pvalue", "date", "bool")

_PAYLOAD_VERSION = 1

# The impact table's columns and rows (the catalogue's "impact_table." and "impact_row." entries).
_IMPACT_LABELS = text.namespace("impact_table")
_IMPACT_ROWS = text.namespace("impact_row")


def _bilingual(value: Any, what: str) -> dict[str, str]:
    """``{"id": ..., "en": ...}`` from a str (same in both) or a mapping with both keys."""
    if isinstance(value, str):
        return {"id": value, "en": value}
    if isinstance(value, Mapping) and all(isinstance(value.get(k), str) for k in ("id", "en")):
        return {"id": value["id"], "en": value["en"]}
    raise ValueError(f"{what} must be a string or a mapping with 'id' and 'en' strings, got {value!r}")


def column_label(key: str, labels: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Indonesian and English header of a column.

    Looked up in ``labels`` first, then :data:`mutasi_analysis.text.LABELS`, then the report
    notebooks' extra labels (``reporting.notebook.LABELS``).

    Raises
    ------
    ValueError
        When no label is known: a report header must never be a raw column name.
    """
    if labels and key in labels:
        return _bilingual(labels[key], f"label of column {key!r}")
    try:
        return {"id": text.label(key, "id"), "en": text.label(key, "en")}
    except KeyError:
        pass
    try:  # the notebooks' helper module adds labels for columns of the domain tables
        from .notebook import LABELS as extra
    except ImportError:
        extra = {}
    if key in extra:
        return _bilingual(extra[key], f"label of column {key!r}")
    raise ValueError(
        f"no display label for column {key!r}; pass labels={{{key!r}: {{'id': ..., 'en': ...}}}} "
        "or add it to mutasi_analysis.text.LABELS"
    )


def _guess_format(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "integer"
    if pd.api.types.is_float_dtype(s):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    return "text"


def _cell(value: Any, fmt: str, where: str) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if fmt == "bool":
        return bool(value)
    if fmt == "integer":
        f = float(value)
        if f != round(f):
            raise ValueError(f"{where} is {value!r}, not a whole number; use format 'number'")
        return int(round(f))
    if fmt in ("number", "percent", "pvalue"):
        f = float(value)
        if math.isinf(f):
            raise ValueError(f"{where} is infinite; record a finite number or None")
        return f
    if fmt == "date":
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, Mapping):  # a text cell in both languages
        return _bilingual(value, where)
    return str(value)


def table_payload(
    table,
    *,
    title: str | Mapping[str, str],
    units: Mapping[str, Any] | None = None,
    formats: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | int | None = None,
    labels: Mapping[str, Any] | None = None,
    hidden: pd.DataFrame | None = None,
    note: str | Mapping[str, str] | None = None,
    index: bool | None = None,
) -> dict[str, Any]:
    """The recordable form of a report table, with suppressed cells left out.

    Parameters
    ----------
    table : DataFrame or mutasi_analysis.suppression.Suppressed
        The table as shown. A :class:`~mutasi_analysis.suppression.Suppressed` brings its own
        hidden-cell mask and footnote.
    title : str or mapping
        ``{"id": ..., "en": ...}`` (a plain string is used for both).
    units : mapping, optional
        Column -> unit (``"%"``, ``{"id": "hari kerja", "en": "working days"}``).
    formats : mapping, optional
        Column -> one of :data:`FORMATS`; guessed from the dtype otherwise.
    decimals : int or mapping, optional
        Decimals shown for ``number`` and ``percent`` columns (default 2 and 1).
    labels : mapping, optional
        Column -> header (str or ``{"id", "en"}``) where the shared label list has none.
    hidden : DataFrame of bool, optional
        Cells to hide (same index and columns as ``table``); ignored for ``Suppressed``.
    note : str or mapping, optional
        Footnote; for ``Suppressed`` the suppression note is used when none is given.
    index : bool, optional
        Whether the index becomes the first column(s); default: when it is not a plain
        0..n-1 range.

    Returns
    -------
    dict
        JSON-safe payload (see the module docstring).

    Raises
    ------
    ValueError
        For an unknown format or column without a label, a mask that does not match the
        table, or a value that does not fit its column's format.
    """
    from ..suppression import Suppressed

    if isinstance(table, Suppressed):
        frame, mask = table.table, table.hidden
        if note is None:
            note = {"id": table.note("id"), "en": table.note("en")}
    elif isinstance(table, pd.DataFrame):
        frame, mask = table, hidden
    else:
        raise ValueError(f"table must be a DataFrame or a Suppressed table, got {type(table).__name__}")
    if mask is None:
        mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    elif not (mask.index.equals(frame.index) and mask.columns.equals(frame.columns)):
        raise ValueError("hidden must have exactly the index and columns of the table")
    if frame.columns.has_duplicates:
        raise ValueError("table has duplicate column names; each column needs its own header")

    if index is None:
        index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1)
    if index:
        names = [n if n is not None else "index" for n in frame.index.names]
        frame = frame.reset_index(names=names)
        mask = pd.concat(
            [pd.DataFrame(False, index=mask.index, columns=names), mask], axis=1
        ).reset_index(drop=True)
    else:
        frame = frame.reset_index(drop=True)
        mask = mask.reset_index(drop=True)

    formats = dict(formats or {})
    units = dict(units or {})
    unknown = [c for c in list(formats) + list(units) if c not in frame.columns]
    if unknown:
        raise ValueError(f"formats/units name column(s) {unknown} that the table does not have; "
                         f"columns: {list(map(str, frame.columns))}")
    columns = []
    for col in frame.columns:
        key = str(col)
        fmt = formats.get(col, _guess_format(frame[col]))
        if fmt not in FORMATS:
            raise ValueError(f"format {fmt!r} of column {key!r} is not one of {', '.join(FORMATS)}")
        d = decimals.get(col) if isinstance(decimals, Mapping) else decimals
        if d is None:
            d = {"percent": 1, "number": 2, "pvalue": 3}.get(fmt, 0)
        if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 10:
            raise ValueError(f"decimals of column {key!r} must be a whole number 0..10, got {d!r}")
        columns.append({
            "key": key, "label": column_label(key, labels), "format": fmt, "decimals": d,
            "unit": _bilingual(units[col], f"unit of column {key!r}") if units.get(col) is not None else None,
        })

    hidden_at = [[int(r), int(c)] for r, c in zip(*mask.to_numpy(dtype=bool).nonzero())]
    hidden_set = {tuple(x) for x in hidden_at}
    rows = []
    for r in range(len(frame)):
        row = []
        for c, col in enumerate(columns):
            if (r, c) in hidden_set:
                row.append(None)  # never the suppressed number itself
            else:
                row.append(_cell(frame.iat[r, c], col["format"], f"row {r}, column {col['key']!r}"))
        rows.append(row)
    return {
        "kind": "table",
        "version": _PAYLOAD_VERSION,
        "title": _bilingual(title, "title"),
        "columns": columns,
        "rows": rows,
        "hidden": hidden_at,
        "note": _bilingual(note, "note") if note is not None else None,
    }


def check_payload(payload: Any, where: str = "table") -> dict[str, Any]:
    """Validate a recorded table payload (as read back from JSON).

    Returns
    -------
    dict
        The payload itself.

    Raises
    ------
    ValueError
        Naming what is wrong: a results file with a malformed table cannot be exported.
    """
    if not isinstance(payload, Mapping) or payload.get("kind") != "table":
        raise ValueError(f"{where} is not a table payload (kind 'table'); record it with table_payload()")
    if payload.get("version") != _PAYLOAD_VERSION:
        raise ValueError(f"{where} has payload version {payload.get('version')!r}; "
                         f"this toolkit reads version {_PAYLOAD_VERSION}: render the report again")
    cols, rows = payload.get("columns"), payload.get("rows")
    if not isinstance(cols, list) or not isinstance(rows, list):
        raise ValueError(f"{where} lacks its columns or rows")
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(cols):
            raise ValueError(f"{where}: row {i} has {len(row) if isinstance(row, list) else '?'} "
                             f"cells for {len(cols)} columns")
    for pos in payload.get("hidden", []):
        r, c = pos
        if not (0 <= r < len(rows) and 0 <= c < len(cols)):
            raise ValueError(f"{where}: hidden cell {pos} lies outside the table")
        if rows[r][c] is not None:
            raise ValueError(f"{where}: hidden cell {pos} carries a value; suppressed numbers "
                             "must not be recorded")
    return dict(payload)


def impact_table(result) -> dict[str, Any]:
    """Headline table ``dampak``: the impact estimate with its confidence intervals.

    One row for the average effect by each inference method (analytic clustered interval,
    wild cluster bootstrap, randomization inference p-value), then one row per month since
    rotation from the event study.

    Parameters
    ----------
    result : mutasi_analysis.impact.ImpactResult or dict
        The result of :func:`mutasi_analysis.impact.analyse` (or its ``to_dict()``).

    Returns
    -------
    dict
        A table payload; with ``status = "not_enough_data"`` the table has no rows and its
        note carries the verdict.
    """
    d = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    cols = ["ukuran", "metode", "estimate", "conf_low", "conf_high", "pvalue"]
    rows: list[list[Any]] = []
    if d.get("status") == "ok":
        # Each method's own estimate, interval and p-value, side by side: the headline
        # method (``inference``) first, so no row ever pairs one method's interval with
        # another's p-value.
        simple = (d.get("aggregates") or {}).get("simple") or {}
        by_method = {
            "analytic": [_IMPACT_ROWS["overall"], _IMPACT_ROWS["analytic"], simple.get("estimate"),
                         simple.get("conf_low"), simple.get("conf_high"), simple.get("pvalue")],
        }
        ri = d.get("randomization")
        if ri:
            # Under the not-yet-rotated comparison its statistic is the TWFE coefficient: say so.
            twfe = ri.get("term") == "twfe"
            by_method["randomization"] = [_IMPACT_ROWS["twfe" if twfe else "overall"],
                                          _IMPACT_ROWS["ri_twfe" if twfe else "ri"], ri.get("estimate"),
                                          ri.get("conf_low"), ri.get("conf_high"), ri.get("pvalue")]
        wcb = d.get("wild_bootstrap")
        if wcb:
            by_method["wcb"] = [_IMPACT_ROWS["overall"], _IMPACT_ROWS["wcb"], wcb.get("estimate"),
                                wcb.get("conf_low"), wcb.get("conf_high"), wcb.get("pvalue")]
        head = d.get("inference") or "analytic"
        order = [head] + [m for m in ("randomization", "analytic", "wcb") if m != head]
        rows += [by_method[m] for m in order if m in by_method]
        event = (d.get("aggregates") or {}).get("event") or {}
        for row in event.get("table") or []:
            term = str(row.get("term", ""))
            if not term.startswith("event_time="):
                continue
            e = int(float(term.split("=", 1)[1]))
            # Pre-period rows (e < 0) test no anticipation / parallel trends: named as such.
            measure = ({k: v.format(e=e) for k, v in _IMPACT_ROWS["event"].items()} if e >= 0
                       else {k: v.format(e=-e) for k, v in _IMPACT_ROWS["pre"].items()})
            rows.append([measure, _IMPACT_ROWS["analytic"], row.get("estimate"), row.get("conf_low"),
                         row.get("conf_high"), row.get("pvalue")])
    frame = pd.DataFrame(rows, columns=cols, dtype=object)
    for c in ("estimate", "conf_low", "conf_high", "pvalue"):
        frame[c] = pd.to_numeric(frame[c]).astype("float64")
    verdict = d.get("verdict") or {}
    return table_payload(
        frame,
        title=text.both("table.dampak"),
        units={"estimate": text.both("unit.working_days"), "conf_low": text.both("unit.working_days"),
               "conf_high": text.both("unit.working_days")},
        formats={"ukuran": "text", "metode": "text", "pvalue": "pvalue"},
        decimals={"estimate": 2, "conf_low": 2, "conf_high": 2, "pvalue": 3},
        labels=_IMPACT_LABELS,
        note=({"id": verdict["id"], "en": verdict["en"]} if {"id", "en"} <= set(verdict) else None),
        index=False,
    )


def findings_table(findings: pd.DataFrame) -> dict[str, Any]:
    """Headline table ``temuan`` from :func:`mutasi_analysis.findings.evaluate`.

    Parameters
    ----------
    findings : DataFrame
        The findings (columns ``findings.COLUMNS``), in the language they were evaluated in;
        headers follow the export's language, the texts stay as recorded.
    """
    return table_payload(
        findings,
        title=text.both("table.temuan"),
        formats={c: "text" for c in findings.columns},
        index=False,
    )


# Headline tables of the built-in sections: titles, labels and formats chosen here, once, so
# that each notebook passes its numbers and nothing else.
_PEOPLE = text.both("unit.people")


def _labels(*keys: str) -> dict[str, dict[str, str]]:
    return text.labels(*keys)


def rotation_tables(shown, compliance: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """Headline tables ``mutasi`` and ``kepatuhan`` of section 02.

    Parameters
    ----------
    shown : SuppressedTable
        Moves in and out per unit after small-cell suppression (index ``kode_unit``).
    compliance : mapping
        From :func:`mutasi_analysis.rotation.compliance_summary`.
    """
    rules = pd.DataFrame({
        "aturan": [text.both(k) for k in ("min_years", "freeze", "max_years")],  # bilingual text cells
        "jumlah": [compliance["min_years_breaks"], compliance["freeze_breaks"], compliance["rotation_candidates"]],
    })
    return {
        "mutasi": table_payload(shown, title=text.both("table.mutasi"),
                                labels=_labels("masuk", "keluar"), units={"masuk": _PEOPLE, "keluar": _PEOPLE}),
        "kepatuhan": table_payload(rules, title=text.both("table.kepatuhan"),
                                   labels=_labels("aturan", "jumlah"), formats={"aturan": "text", "jumlah": "integer"}),
    }


def ikm_tables(per_unit: pd.DataFrame, elements: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Headline tables ``ikm_unit`` and ``ikm_unsur`` of section 04.

    Parameters
    ----------
    per_unit : DataFrame
        :func:`mutasi_analysis.ikm.sample_adequacy` of the per-unit IKM.
    elements : DataFrame
        :func:`mutasi_analysis.ikm.by_element` per unit.
    """
    score = text.both("unit.ikm_score")
    return {
        "ikm_unit": table_payload(
            per_unit[["kode_unit", "n_responden", "ikm", "mutu", "kinerja", "sampel_minimum", "memadai"]],
            title=text.both("table.ikm_unit"), units={"ikm": score},
            formats={"mutu": "text", "kinerja": "text"}, decimals={"ikm": 2}),
        "ikm_unsur": table_payload(
            elements[["kode_unit", "kode_unsur", "unsur", "n_jawaban", "nrr", "nilai_unsur", "mutu"]],
            title=text.both("table.ikm_unsur"),
            formats={"mutu": "text"}, decimals={"nrr": 2, "nilai_unsur": 2}),
    }


def feedback_table(feedback) -> dict[str, dict[str, Any]]:
    """Headline table ``umpan_balik`` of section 05 from a :class:`~mutasi_analysis.survey.PeriodFeedback`."""
    frame = feedback.table()
    k = feedback.min_cell
    return {"umpan_balik": table_payload(
        frame, title=text.both("table.umpan_balik"),
        formats={c: ("percent" if c.startswith("share") else "integer") for c in frame.columns},
        note={lang: text.template("feedback_small", lang, k=k) for lang in text.LANGS} if feedback.suppressed else None)}


def plan_tables(plan) -> dict[str, dict[str, Any]]:
    """Tables ``rencana_unit``, ``rencana_kelayakan`` and ``rencana_gelombang`` of section 06
    from a :class:`~mutasi_analysis.planning.Plan` (aggregates only: no pseudonym)."""
    from .. import planning

    units = planning.unit_overview(plan)
    excluded = plan.excluded()
    excluded = excluded.assign(aturan=[text.both(f"plan.rule.{r}") for r in excluded["aturan"]])
    waves = planning.wave_table(plan)
    return {
        "rencana_unit": table_payload(units, title=text.both("table.rencana_unit"),
                                      labels=_labels(*[c for c in units.columns if c not in ("kode_unit",)]),
                                      decimals={"rata_unit_dijalani": 1}),
        "rencana_kelayakan": table_payload(excluded, title=text.both("table.rencana_kelayakan"),
                                           labels=_labels("aturan", "dasar_hukum", "n"),
                                           formats={"aturan": "text", "dasar_hukum": "text", "n": "integer"}),
        "rencana_gelombang": table_payload(waves, title=text.both("table.rencana_gelombang"),
                                           labels=_labels("gelombang", "tanggal", "unit", "mutasi"),
                                           formats={"gelombang": "integer", "tanggal": "date", "unit": "text",
                                                    "mutasi": "integer"}),
    }


def pooled_tables(result, data) -> dict[str, dict[str, Any]]:
    """Tables of the pooled report (``notebooks/gabungan/01_gabungan.ipynb``) for the workbook.

    ``gabungan_wilayah`` (the regions pooled), ``gabungan_att`` (the pooled ATT by inference),
    ``gabungan_studi_peristiwa`` (the event study), ``gabungan_ikm`` and ``gabungan_kepatuhan``
    (the league tables, small cells suppressed, see
    :func:`~mutasi_analysis.reporting.pooled_pages.league_view`) and ``gabungan_efek`` (each
    region's effect, its own and shrunken).

    Parameters
    ----------
    result : mutasi_analysis.pooled.PooledResult
    data : mutasi_analysis.pooled.PooledData
        The inputs it was computed from (regions and the pooled config's thresholds).
    """
    from . import pooled_pages as pp

    labels = text.namespace("pooled.col")
    k = int(data.config.thresholds.min_cell_size)
    days = text.both("unit.working_days")
    regions = pp.regions_table(data)
    att = pp.inference_table(result)
    att = att.assign(inference=[text.both(f"pooled.inference.{c}") for c in att["inference"]])
    event = pp.event_frame(result)
    eff = pp.effects_table(result)
    eff = eff.assign(status=[text.both(f"pooled.status.{c}") for c in eff["status"]],
                     reason=[None if r is None or r != r else text.both(f"pooled.reason.{r}") for r in eff["reason"]])
    league_note = {lang: text.label("table.gabungan_league.note", lang).format(k=k) for lang in text.LANGS}
    out = {
        "gabungan_wilayah": table_payload(regions, title=text.both("table.gabungan_wilayah"), labels=labels,
                                          formats={"data_start": "date", "data_end": "date"}),
        "gabungan_att": table_payload(att, title=text.both("table.gabungan_att"), labels=labels,
                                      formats={"inference": "text", "pvalue": "pvalue"},
                                      units={c: days for c in ("estimate", "std_error", "conf_low", "conf_high")}),
        "gabungan_studi_peristiwa": table_payload(event, title=text.both("table.gabungan_studi_peristiwa"),
                                                  labels=labels, formats={"event_time": "integer"},
                                                  units={c: days for c in ("estimate", "conf_low", "conf_high")}),
    }
    for tid, measure, table, fmt in (("gabungan_ikm", "ikm", result.league_ikm, {"ikm": "number"}),
                                     ("gabungan_kepatuhan", "kepatuhan", result.league_kepatuhan,
                                      {"share_patuh": "percent", "conf_low": "percent", "conf_high": "percent"})):
        view = pp.league_view(table, measure, k)
        note = {lang: view.note(lang) + " " + league_note[lang] for lang in text.LANGS}
        out[tid] = table_payload(view, title=text.both(f"table.{tid}"), labels=labels, note=note,
                                 formats={"rank": "integer", "rank_low": "integer", "rank_high": "integer", **fmt})
    out["gabungan_efek"] = table_payload(
        eff, title=text.both("table.gabungan_efek"), labels=labels, note=text.both("table.gabungan_efek.note"),
        formats={"status": "text", "reason": "text", "weight": "number"},
        units={c: days for c in ("estimate", "conf_low", "conf_high", "shrunk", "shrunk_low", "shrunk_high")})
    return out
