"""``reports/<P>/tabel-<P>.xlsx``: the report's headline tables as an Excel workbook.

Every table comes from the recorded results (``<notebook>.json``, key ``tables``; see
:mod:`mutasi_analysis.reporting.tables`), never from HTML. The workbook has a first sheet
describing the report (region, period, toolkit version, the suppression rule and where each
sheet comes from), then one sheet per headline table in the fixed order of
:data:`~mutasi_analysis.reporting.tables.HEADLINE_TABLES`, then any other recorded tables.

Each sheet: the title, a header row in Indonesian (English with ``lang="en"``) with the unit
in brackets, frozen below the header, Excel number formats per column (Excel shows them with
the reader's own decimal separator, so ``88,31`` on an Indonesian system), column widths
fitted to the content, the footnote under the table. Suppressed cells show ``*`` (the
number was never recorded, so it cannot be written).

XlsxWriter writes the file: unlike openpyxl, which stamps the save time into the document
properties, it writes fixed zip timestamps and takes the creation date from the properties,
so the same results give the same bytes. The creation date is the period's end. Numbers are
written with 16 significant digits (XlsxWriter's choice; Excel itself shows 15).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from .. import text as _text
from ..errors import MutasiError
from ..record import read_records
from .manifest import period_name, read_manifest
from .tables import HEADLINE_TABLES, TABLES_KEY, check_payload

__all__ = ["build_excel", "collect_tables", "excel_name", "HIDDEN_MARKER", "MISSING_MARKER", "header_text"]

HIDDEN_MARKER = "*"
MISSING_MARKER = "-"
_LANGS = ("id", "en")
_TEXT = {**_text.namespace("excel"), **_text.labels("yes", "no")}
_INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")


def excel_name(period: str) -> str:
    """File name of a period's workbook: ``tabel-<period>.xlsx``."""
    return f"tabel-{period}.xlsx"


def header_text(column: dict[str, Any], lang: str) -> str:
    """A column's header: its label, and its unit in brackets when it has one."""
    unit = column.get("unit")
    label = column["label"][lang]
    return f"{label} ({unit[lang]})" if unit else label


def collect_tables(report_dir: str | Path) -> list[tuple[str, str, dict[str, Any]]]:
    """Every recorded table of a report: ``(table id, notebook, payload)``.

    Headline tables first in :data:`HEADLINE_TABLES` order, then the others in notebook order.
    Entries under ``tables`` that are not table payloads (no ``"kind": "table"``) are not
    tables to export and are passed over.

    Raises
    ------
    MutasiError
        When two notebooks record a table with the same id, or a payload is malformed.
    """
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for nb, results in read_records(report_dir).items():
        tables = results.get(TABLES_KEY) if isinstance(results, dict) else None
        if tables is None:
            continue
        if not isinstance(tables, dict):
            raise MutasiError(f"{nb}.json: '{TABLES_KEY}' must map table ids to tables")
        for tid, payload in tables.items():
            # Other recorded mappings may share the key (e.g. ingestion counts per raw table);
            # only entries marked as table payloads are exported.
            if not (isinstance(payload, dict) and payload.get("kind") == "table"):
                continue
            if tid in found:
                raise MutasiError(
                    f"table id {tid!r} is recorded by both {found[tid][0]} and {nb}; "
                    "give each table its own id"
                )
            try:
                found[tid] = (nb, check_payload(payload, f"{nb}.json table {tid!r}"))
            except ValueError as e:
                raise MutasiError(str(e)) from None
    order = [t for t in HEADLINE_TABLES if t in found] + [t for t in found if t not in HEADLINE_TABLES]
    return [(t, found[t][0], found[t][1]) for t in order]


def _sheet_names(tables, lang: str) -> list[str]:
    used = {_TEXT["about"][lang].lower()}
    names = []
    for tid, _, payload in tables:
        base = HEADLINE_TABLES[tid][lang] if tid in HEADLINE_TABLES else payload["title"][lang]
        base = _INVALID_SHEET.sub(" ", base).strip()[:31] or tid[:31]
        name, i = base, 2
        while name.lower() in used:  # Excel sheet names are unique regardless of case
            suffix = f" ({i})"
            name, i = base[: 31 - len(suffix)] + suffix, i + 1
        used.add(name.lower())
        names.append(name)
    return names


def _display_len(value: Any, column: dict[str, Any]) -> int:
    if value is None:
        return 1
    if isinstance(value, float):
        return len(f"{value:,.{column['decimals']}f}") + (1 if column["format"] == "percent" else 0)
    return len(str(value))


def _period_end(manifest: dict[str, Any] | None) -> dt.datetime:
    text = (manifest or {}).get("period_end")
    try:
        d = dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        d = dt.date(2000, 1, 1)  # no manifest: a fixed date keeps the file reproducible
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


def _cell_value(value: Any, column: dict[str, Any], lang: str) -> Any:
    if isinstance(value, dict):  # bilingual text cell
        return value[lang]
    if column["format"] == "bool" and value is not None:
        return _TEXT["yes" if value else "no"][lang]
    if column["format"] == "date" and value is not None:
        return dt.date.fromisoformat(value)
    return value


def build_excel(report_dir: str | Path, lang: str = "id", manifest: dict[str, Any] | None = None) -> Path:
    """Write ``<report_dir>/tabel-<period>.xlsx`` from the recorded tables.

    Parameters
    ----------
    report_dir : path
        A rendered period folder (``reports/<period>``).
    lang : {"id", "en"}
        Language of headers, sheet names and notes.
    manifest : dict, optional
        The folder's manifest (read from ``manifest.json`` when not given); supplies the
        period, region and version shown on the first sheet.

    Returns
    -------
    Path
        The workbook written (atomically).

    Raises
    ------
    ValueError
        For an unknown language.
    MutasiError
        When the folder does not exist or no notebook recorded a table.
    """
    import xlsxwriter

    if lang not in _LANGS:
        raise ValueError(f"lang must be one of {', '.join(_LANGS)}, got {lang!r}")
    report_dir = Path(report_dir)
    if not report_dir.is_dir():
        raise MutasiError(f"report folder {report_dir} does not exist; render it with `mutasi report` first")
    manifest = manifest if manifest is not None else read_manifest(report_dir)
    period = str((manifest or {}).get("period") or report_dir.name)
    tables = collect_tables(report_dir)
    if not tables:
        raise MutasiError(
            f"no recorded tables in {report_dir}: the notebooks record them under results['tables'] "
            "with mutasi_analysis.reporting.tables.table_payload; render the report again"
        )
    names = _sheet_names(tables, lang)
    target = report_dir / excel_name(period)
    fd, tmp = tempfile.mkstemp(dir=report_dir, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False, "strings_to_formulas": False,
                                       "strings_to_urls": False})
        region = ((manifest or {}).get("region") or {}).get("name") or ""
        version = ((manifest or {}).get("packages") or {}).get("mutasi-analysis") or ""
        wb.set_properties({
            "title": f"{_TEXT['title'][lang]} {period}",
            "subject": region,
            "author": "mutasi-analysis",
            "company": region,
            "comments": f"mutasi-analysis {version}".strip(),
            "created": _period_end(manifest),
        })
        fmt = _formats(wb, lang)
        _about_sheet(wb, fmt, tables, names, manifest, period, region, version, lang)
        for (tid, nb, payload), name in zip(tables, names):
            _table_sheet(wb.add_worksheet(name), fmt, payload, nb, lang)
        wb.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _formats(wb, lang: str = "id") -> dict[str, Any]:
    f = {
        "title": wb.add_format({"bold": True, "font_size": 13}),
        "header": wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True,
                                 "valign": "top"}),
        "text": wb.add_format({"valign": "top"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "hidden": wb.add_format({"align": "right", "font_color": "#7A7A7A"}),
        "note": wb.add_format({"italic": True, "font_color": "#555555"}),
        "integer": wb.add_format({"num_format": "#,##0"}),
        # A real date cell shown in words in the workbook's language ([$-421] Indonesian,
        # [$-409] English: Excel's locale codes), e.g. "29 November 2026".
        "date": wb.add_format({"num_format": ("[$-421]" if lang == "id" else "[$-409]") + "d mmmm yyyy"}),
        "bold": wb.add_format({"bold": True}),
        # Identifiers (version, commit) in a monospaced font: visibly code, not words.
        "code": wb.add_format({"font_name": "Consolas"}),
    }
    for d in range(0, 11):
        frac = ("." + "0" * d) if d else ""
        f[f"number{d}"] = wb.add_format({"num_format": f"#,##0{frac}"})
        f[f"percent{d}"] = wb.add_format({"num_format": f"0{frac}%"})
        # A p-value below the smallest shown is written "< 0,001", never "0,000"; the cell keeps
        # the number (a conditional section of the format, so it still sorts and computes).
        if d:
            smallest = "0." + "0" * (d - 1) + "1"
            shown = smallest.replace(".", ",") if lang == "id" else smallest
            f[f"pvalue{d}"] = wb.add_format({"num_format": f'[<{smallest}]"< {shown}";0{frac}'})
    return f


def _value_format(fmt, column):
    kind = column["format"]
    if kind in ("number", "percent", "pvalue"):
        return fmt[f"{kind}{max(column['decimals'], 1) if kind == 'pvalue' else column['decimals']}"]
    if kind in ("integer", "date"):
        return fmt[kind]
    return fmt["text"]


def _table_sheet(ws, fmt, payload: dict[str, Any], notebook: str, lang: str) -> None:
    cols, rows = payload["columns"], payload["rows"]
    hidden = {tuple(p) for p in payload.get("hidden", [])}
    ws.write_string(0, 0, payload["title"][lang], fmt["title"])
    widths = []
    for c, col in enumerate(cols):
        head = header_text(col, lang)
        ws.write_string(1, c, head, fmt["header"])
        widths.append(min(max(len(w) for w in head.split()) + 2, 60))
    for r, row in enumerate(rows):
        for c, (value, col) in enumerate(zip(row, cols)):
            at = (2 + r, c)
            if (r, c) in hidden:
                ws.write_string(*at, HIDDEN_MARKER, fmt["hidden"])
                continue
            value = _cell_value(value, col, lang)
            if value is None:
                ws.write_string(*at, MISSING_MARKER, fmt["hidden"])
            elif isinstance(value, bool):
                ws.write_boolean(*at, value)
            elif isinstance(value, (int, float)):
                ws.write_number(*at, value, _value_format(fmt, col))
            elif isinstance(value, dt.date):
                ws.write_datetime(*at, dt.datetime(value.year, value.month, value.day), fmt["date"])
            else:
                text = str(value)
                ws.write_string(*at, text, fmt["wrap"] if len(text) > 60 else fmt["text"])
            widths[c] = max(widths[c], min(_display_len(value, col) + 2, 60))
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(2, 0)
    if rows:
        ws.autofilter(1, 0, 1 + len(rows), len(cols) - 1)
    line = 3 + len(rows)
    note = payload.get("note")
    if note:
        ws.write_string(line, 0, note[lang], fmt["note"])
        line += 1
    if hidden:
        ws.write_string(line, 0, _TEXT["hidden"][lang], fmt["note"])
        line += 1
    # The section a reader can open (its title), not the results file a developer would.
    ws.write_string(line, 0, _TEXT["source_line"][lang].format(file=_text.section_title(notebook, lang)), fmt["note"])


def _about_sheet(wb, fmt, tables, names, manifest, period, region, version, lang) -> None:
    ws = wb.add_worksheet(_TEXT["about"][lang])
    ws.write_string(0, 0, _TEXT["title"][lang], fmt["title"])
    m = manifest or {}
    span = period_name(m, lang, span=True) if m.get("period") else period
    commit = ((m.get("git") or {}).get("commit") or "")[:12]
    info = [("region", region), ("period", span), ("version", version), ("commit", commit)]
    r = 2
    for key, value in info:
        ws.write_string(r, 0, _TEXT[key][lang], fmt["bold"])
        ws.write_string(r, 1, str(value or MISSING_MARKER), fmt["code"] if key in ("version", "commit") else None)
        r += 1
    r += 1
    ws.write_string(r, 0, _TEXT["sheet"][lang], fmt["header"])
    ws.write_string(r, 1, _TEXT["table"][lang], fmt["header"])
    ws.write_string(r, 2, _TEXT["source"][lang], fmt["header"])
    r += 1
    present = {t for t, _, _ in tables}
    for (tid, nb, payload), name in zip(tables, names):
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, payload["title"][lang])
        ws.write_string(r, 2, _text.section_title(nb, lang))
        r += 1
    for tid, sheet in HEADLINE_TABLES.items():
        if tid not in present:
            ws.write_string(r, 0, sheet[lang])
            ws.write_string(r, 1, _TEXT["missing"][lang], fmt["note"])
            r += 1
    r += 1
    ws.write_string(r, 0, _TEXT["hidden"][lang], fmt["note"])
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 2, 24)
