"""``reports/<P>/tabel-<P>.xlsx``: the report's headline tables as an Excel workbook.

Every table comes from the recorded results (``<notebook>.json``, key ``tables``; see
:mod:`mutasi_analysis.reporting.tables`), never from HTML. The workbook has a first sheet
describing the report (region, period, toolkit version, the suppression rule and where each
sheet comes from), then one sheet per headline table in the fixed order of
:data:`~mutasi_analysis.reporting.tables.HEADLINE_TABLES`, then the detail sheets (the details
sheet, then the per-cell tables of :data:`DETAIL_TABLES`), then any other recorded tables. Each
Excel table has a name unique in the workbook (``T_<key>``, a counter appended on a clash).

Each sheet: the title, a header row in Indonesian (English with ``lang="en"``) with the unit
in brackets, frozen below the header, the table as an Excel table (filter buttons in the
header), Excel number formats per column (numbers are stored as numbers, percentages as
fractions; Excel and LibreOffice show them with the reader's own decimal separator, so
``88,31`` on an Indonesian system), column widths fitted to the content, the footnote under the
table. Suppressed cells show ``*`` (the number was never recorded, so it cannot be written).

Printing: A4, one page wide (as many pages tall as needed), landscape when the columns are
wider than a portrait page, the title and header rows repeated on every page, and a footer
with the region, the period, the sheet and "page n / N".

The impact table's event-time rows ("Bulan ke-e sejak mutasi", "e bulan sebelum mutasi") and
the per-cohort estimates (``att_gt``, when the section recorded them) are the details sheet
(:data:`DETAILS_TABLE`): the impact sheet keeps only the average-effect rows an official reads
first.

XlsxWriter writes the file: unlike openpyxl, which stamps the save time into the document
properties, it writes fixed zip timestamps and takes the creation date from the properties,
so the same results give the same bytes. The creation date is the period's end. Numbers are
written with 16 significant digits (XlsxWriter's choice; Excel itself shows 15).
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any

from ..files import replaced_atomically
from .. import text as _text
from ..errors import MutasiError
from ..record import read_records
from .manifest import period_name, read_manifest
from .tables import HEADLINE_TABLES, TABLES_KEY, check_payload

__all__ = ["build_excel", "collect_tables", "excel_name", "event_time", "split_details", "header_text",
           "DETAILS_TABLE", "DETAIL_TABLES", "HIDDEN_MARKER", "MISSING_MARKER"]

HIDDEN_MARKER = "*"
MISSING_MARKER = "-"
#: The headline table whose detail rows (and the recorded ``att_gt`` cells) go to the details sheet.
DETAILS_TABLE = "dampak"
#: Headline tables of per-cell estimates (IKM per unit and element: units x nine elements, about
#: 150 rows, three printed pages): their sheets follow the details sheet, after the headline
#: sheets an official reads first.
DETAIL_TABLES = ("ikm_unsur",)
_LANGS = ("id", "en")
_TEXT = {**_text.namespace("excel"), **_text.labels("yes", "no")}
_IMPACT_ROWS = _text.namespace("impact_row")
_INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")

# Print layout (inches; A4 is 8.27 x 11.69). Every sheet is shrunk to one page wide; a sheet whose
# columns would have to shrink below _PORTRAIT_SCALE of their size on a portrait page prints
# landscape (a long, moderately wide table stays portrait: more rows per page).
_PAPER_A4 = 9  # the paper code of A4 in the XLSX page setup
_MARGINS = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.75}
_FOOTER_MARGIN = 0.3
_PORTRAIT_PX = round((8.27 - _MARGINS["left"] - _MARGINS["right"]) * 96)
_PORTRAIT_SCALE = 0.85
_LANDSCAPE_PX = round((11.69 - _MARGINS["left"] - _MARGINS["right"]) * 96)
# Column widths (characters): at most _MAX_WIDTH; a text column of a table too wide for a
# landscape page is narrowed (its texts wrap), not below _MIN_TEXT_WIDTH.
_MAX_WIDTH = 60
_MIN_TEXT_WIDTH = 25
_TITLE_ROWS = 2  # the title and the header row: repeated on every printed page
# Row heights (points) of wrapped text. Neither Excel nor LibreOffice fits the height of a row
# written by XlsxWriter when it prints, so wrapped headers, long cells and the notes under a
# table get their height here. Characters per line are counted conservatively (a column of
# width w holds about w digits of Calibri, fewer of a wider substitute font such as DejaVu
# Sans): a row may be a little too tall, never cut.
_LINE_PT = 15.0
_CHARS_PER_WIDTH = 1.0
_TITLE_PT = 18.0  # a line of the 13-point title


def excel_name(period: str) -> str:
    """File name of a period's workbook: ``tabel-<period>.xlsx``."""
    return f"tabel-{period}.xlsx"


def header_text(column: dict[str, Any], lang: str) -> str:
    """A column's header: its label, and its unit in brackets when it has one."""
    unit = column.get("unit")
    label = column["label"][lang]
    return f"{label} ({unit[lang]})" if unit else label


def _collect(report_dir: str | Path) -> tuple[list[tuple[str, str, dict[str, Any]]], dict[str, Any]]:
    records = read_records(report_dir)
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for nb, results in records.items():
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
    return [(t, found[t][0], found[t][1]) for t in order], records


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
    return _collect(report_dir)[0]


# ------------------------------------------------------------------ the details sheet
def _row_pattern(template: str) -> re.Pattern:
    return re.compile("^" + re.escape(template).replace(re.escape("{e}"), r"(\d+)") + "$")


# (pattern, sign) per language: "Bulan ke-3 sejak mutasi" is month +3, "3 bulan sebelum mutasi" -3.
_EVENT_ROWS = {lang: ((_row_pattern(_IMPACT_ROWS["event"][lang]), 1), (_row_pattern(_IMPACT_ROWS["pre"][lang]), -1))
               for lang in _LANGS}


def event_time(label: Any) -> int | None:
    """Month relative to rotation of an impact-table row, from its label (``{"id", "en"}``).

    The labels are the catalogue's ``impact_row.event`` and ``impact_row.pre`` (see
    :func:`~mutasi_analysis.reporting.tables.impact_table`): ``Bulan ke-0 sejak mutasi`` is 0,
    ``2 bulan sebelum mutasi`` is -2. Any other row (an average effect) gives None; so does a
    label whose two languages disagree.
    """
    if not isinstance(label, dict):
        return None
    months = set()
    for lang in _LANGS:
        text = label.get(lang)
        hit = None
        for pattern, sign in _EVENT_ROWS[lang]:
            m = pattern.match(text) if isinstance(text, str) else None
            if m:
                hit = sign * int(m.group(1))
                break
        months.add(hit)
    return months.pop() if len(months) == 1 else None


def _cell_estimates(results: Any) -> list[dict[str, Any]]:
    """The recorded ``att_gt`` rows (cohort, event_time, estimate, conf_low, conf_high), or []."""
    cells = results.get("att_gt") if isinstance(results, dict) else None
    if not isinstance(cells, list):
        return []

    def number(v):
        return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))

    ok = all(isinstance(c, dict) and isinstance(c.get("cohort"), str)
             and isinstance(c.get("event_time"), int) and not isinstance(c.get("event_time"), bool)
             and all(number(c.get(k)) for k in ("estimate", "conf_low", "conf_high")) for c in cells)
    return cells if ok else []  # another notebook's "att_gt" of another shape is not exported


def split_details(payload: dict[str, Any], cells: list[dict[str, Any]] | None = None
                  ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The impact table without its detail rows, and the details table (None without details).

    Parameters
    ----------
    payload : dict
        The recorded impact table (:func:`~mutasi_analysis.reporting.tables.impact_table`).
    cells : list of dict, optional
        The recorded per-cohort estimates (``att_gt`` rows of the impact section's record).

    Returns
    -------
    (dict, dict or None)
        The headline payload (the average-effect rows, in their order) and a payload of the
        event-time rows ("all cohorts") followed by the per-cohort rows, with two more
        columns: the month relative to rotation and the cohort. Suppressed cells stay
        suppressed in both.
    """
    cols, rows = payload["columns"], payload["rows"]
    hidden = {tuple(p) for p in payload.get("hidden", [])}
    head_rows, head_hidden, detail_rows, detail_hidden = [], [], [], []
    for r, row in enumerate(rows):
        e = event_time(row[0]) if cols else None
        if e is None:
            head_hidden += [[len(head_rows), c] for c in range(len(cols)) if (r, c) in hidden]
            head_rows.append(row)
        else:
            # the details table's columns: measure, month, cohort, then the impact table's others
            detail_hidden += [[len(detail_rows), c if c == 0 else c + 2] for c in range(len(cols)) if (r, c) in hidden]
            detail_rows.append([row[0], e, _TEXT["all_cohorts"], *row[1:]])
    for cell in cells or []:
        e = cell["event_time"]
        measure = {k: v.format(e=e) for k, v in _IMPACT_ROWS["event"].items()} if e >= 0 else \
            {k: v.format(e=-e) for k, v in _IMPACT_ROWS["pre"].items()}
        # The columns the cell has (estimate and interval) are filled; the method and p-value are
        # not recorded per cell and show "-".
        detail_rows.append([measure, e, cell["cohort"], *(cell.get(c["key"]) for c in cols[1:])])
    head = dict(payload, rows=head_rows, hidden=head_hidden)
    if not detail_rows:
        return head, None
    extra = [{"key": "event_time", "label": _TEXT["event_time"], "format": "integer", "decimals": 0, "unit": None},
             {"key": "cohort", "label": _TEXT["cohort"], "format": "text", "decimals": 0, "unit": None}]
    details = {
        "kind": "table", "version": payload.get("version"), "title": _TEXT["details_title"],
        "columns": [cols[0], *extra, *cols[1:]], "rows": detail_rows, "hidden": detail_hidden,
        "note": _TEXT["details_note"] if cells else None,
    }
    return head, details


# ------------------------------------------------------------------ the workbook
def _dedupe(base: str, used: set[str], limit: int | None = None, sep: str = " ({})") -> str:
    """``base``, or ``base`` with a counter (``sep``: " (2)", "_2", ...) not yet in ``used``
    (compared regardless of case, as Excel does), at most ``limit`` characters; added to ``used``."""
    base = base[:limit]
    name, i = base, 2
    while name.lower() in used:
        suffix = sep.format(i)
        name, i = base[: (limit - len(suffix)) if limit else None] + suffix, i + 1
    used.add(name.lower())
    return name


def _sheet_name(base: str, used: set[str], fallback: str) -> str:
    return _dedupe(_INVALID_SHEET.sub(" ", base).strip()[:31] or fallback[:31], used, 31)


def _sheet_names(tables, lang: str, reserved: tuple[str, ...] = ()) -> list[str]:
    used = {_TEXT["about"][lang].lower(), *(r.lower() for r in reserved)}
    return [_sheet_name(HEADLINE_TABLES[tid][lang] if tid in HEADLINE_TABLES else payload["title"][lang], used, tid)
            for tid, _, payload in tables]


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


def _footer(region: str, period: str, lang: str) -> str:
    """Footer: region and period left, the sheet's name centred, "Halaman n / N" right."""
    left = " \u2013 ".join(s.replace("&", "&&") for s in (region, period) if s)
    return f"&L{left}&C&A&R{_TEXT['page'][lang]} &P / &N"


def _pixels(widths: list[float]) -> int:
    """Printed width of columns: Excel's width w (characters of the default font) is about
    7w + 5 pixels at 96 dpi."""
    return sum(int(w * 7 + 0.5) + 5 for w in widths)


def _print_setup(ws, widths: list[float], footer: str, title_rows: int) -> None:
    """A4, one page wide, landscape when wider than a portrait page, title rows on every page."""
    ws.set_paper(_PAPER_A4)
    if _pixels(widths) * _PORTRAIT_SCALE > _PORTRAIT_PX:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, title_rows - 1)
    ws.set_margins(**_MARGINS)
    ws.set_footer(footer, {"margin": _FOOTER_MARGIN})


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped at word boundaries in a column of ``width`` characters."""
    room = max(int((width - 1) * _CHARS_PER_WIDTH), 1)
    # a word longer than a line is broken over several; an empty line still takes one
    return sum(max(len(textwrap.wrap(part, room)), 1) for part in str(text).splitlines() or [""])


def _wide_text(ws, row: int, text: str, widths: list[float], cell_format, line_pt: float = _LINE_PT) -> None:
    """``text`` in the first cell of ``row``, wrapped across the table's width (merged cells).

    A long note left in one cell would spill over the columns to its right, and a printout fitted
    to one page wide would shrink the whole sheet to hold it.
    """
    if len(widths) > 1:
        ws.merge_range(row, 0, row, len(widths) - 1, text, cell_format)
    else:
        ws.write_string(row, 0, text, cell_format)
    lines = _lines(text, sum(widths))
    if lines > 1 or line_pt != _LINE_PT:
        ws.set_row(row, line_pt * lines + 2)


def _unique(headers: list[str]) -> list[str]:
    """Headers made unique regardless of case (an Excel table requires it): "X", "X (2)"."""
    used: set[str] = set()
    return [_dedupe(h, used) for h in headers]


def _table_name(key: str, used: set[str]) -> str:
    """An Excel table name from a table key, unique in the workbook (regardless of case):
    ``ikm-unit`` and ``ikm_unit`` are ``T_ikm_unit`` and ``T_ikm_unit_2``; added to ``used``."""
    return _dedupe("T_" + re.sub(r"\W", "_", key, flags=re.ASCII), used, 255, sep="_{}")


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
        period, region and version shown on the first sheet and in the footers.

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
    tables, records = _collect(report_dir)
    if not tables:
        raise MutasiError(
            f"no recorded tables in {report_dir}: the notebooks record them under results['tables'] "
            "with mutasi_analysis.reporting.tables.table_payload; render the report again"
        )
    details_name = _TEXT["details"][lang]
    names = _sheet_names(tables, lang, reserved=(details_name,))
    # (sheet name, table key, payload, notebook, notes under the table)
    headline, others, details, cells = [], [], [], []
    for (tid, nb, payload), name in zip(tables, names):
        notes: list[str] = []
        if tid == DETAILS_TABLE:
            payload, rest = split_details(payload, _cell_estimates(records.get(nb)))
            if rest is not None:
                details.append((details_name, "rincian", rest, nb, []))
                notes.append(_TEXT["details_pointer"][lang].format(sheet=details_name))
        group = cells if tid in DETAIL_TABLES else headline if tid in HEADLINE_TABLES else others
        group.append((name, tid, payload, nb, notes))
    # the headline sheets, then the detail sheets (event-time and per-cell estimates), then the rest
    sheets = headline + details + cells + others
    target = report_dir / excel_name(period)
    with replaced_atomically(target, 0o644) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
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
        table_names: set[str] = set()
        footer = _footer(region, period_name(manifest, lang) if (manifest or {}).get("period") else period, lang)
        _about_sheet(wb, fmt, tables, sheets, manifest, period, region, version, lang, footer,
                     table_name=_table_name("sheets", table_names))
        for name, key, payload, nb, notes in sheets:
            _table_sheet(wb.add_worksheet(name), fmt, payload, nb, lang, footer=footer,
                         table_name=_table_name(key, table_names), notes=notes)
        wb.close()
    return target


def _formats(wb, lang: str = "id") -> dict[str, Any]:
    f = {
        "title": wb.add_format({"bold": True, "font_size": 13, "text_wrap": True, "valign": "top"}),
        "header": wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True,
                                 "valign": "top"}),
        "text": wb.add_format({"valign": "top"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "hidden": wb.add_format({"align": "right", "font_color": "#7A7A7A"}),
        "note": wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True, "valign": "top"}),
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


def _fit_text_columns(widths: list[float], floors: list[float]) -> list[float]:
    """Narrow the widest text columns (not below their floors) until the sheet fits a landscape page.

    A table of long texts (the findings) would otherwise print at half size; narrower text
    columns wrap into taller rows instead.
    """
    widths = list(widths)
    while _pixels(widths) > _LANDSCAPE_PX:
        c = max((i for i, w in enumerate(widths) if w > floors[i]), key=lambda i: widths[i], default=None)
        if c is None:
            break
        widths[c] -= 1
    return widths


def _table_sheet(ws, fmt, payload: dict[str, Any], notebook: str, lang: str, *, footer: str = "",
                 table_name: str = "T_table", notes: list[str] | tuple[str, ...] = ()) -> None:
    cols, rows = payload["columns"], payload["rows"]
    hidden = {tuple(p) for p in payload.get("hidden", [])}
    heads = _unique([header_text(col, lang) for col in cols])
    # Wide enough for the header's longest word, and for the header in at most three lines.
    widths = [min(max(max(len(w) for w in head.split()), -(-len(head) // 3)) + 2, _MAX_WIDTH) for head in heads]
    floors = list(widths)
    values = [[None if (r, c) in hidden else _cell_value(v, col, lang) for c, (v, col) in enumerate(zip(row, cols))]
              for r, row in enumerate(rows)]
    for row in values:
        for c, (value, col) in enumerate(zip(row, cols)):
            widths[c] = max(widths[c], min(_display_len(value, col) + 2, _MAX_WIDTH))
            if isinstance(value, (int, float, dt.date)):
                floors[c] = widths[c]  # numbers and dates keep their width
    widths = _fit_text_columns(widths, [max(f, _MIN_TEXT_WIDTH) for f in floors])
    wrapped: dict[int, int] = {}  # row -> lines of its tallest wrapped cell
    for r, row in enumerate(values):
        for c, (value, col) in enumerate(zip(row, cols)):
            at = (2 + r, c)
            if (r, c) in hidden:
                ws.write_string(*at, HIDDEN_MARKER, fmt["hidden"])
            elif value is None:
                ws.write_string(*at, MISSING_MARKER, fmt["hidden"])
            elif isinstance(value, bool):
                ws.write_boolean(*at, value)
            elif isinstance(value, (int, float)):
                ws.write_number(*at, value, _value_format(fmt, col))
            elif isinstance(value, dt.date):
                ws.write_datetime(*at, dt.datetime(value.year, value.month, value.day), fmt["date"])
            else:
                text = str(value)
                wrap = len(text) + 2 > widths[c]
                ws.write_string(*at, text, fmt["wrap"] if wrap else fmt["text"])
                if wrap:
                    wrapped[r] = max(wrapped.get(r, 1), _lines(text, widths[c]))
    for r, lines in wrapped.items():
        ws.set_row(2 + r, _LINE_PT * lines + 2)
    _wide_text(ws, 0, payload["title"][lang], widths or [_MAX_WIDTH], fmt["title"], line_pt=_TITLE_PT)
    ws.set_row(1, _LINE_PT * max([_lines(h, w) for h, w in zip(heads, widths)] or [1]) + 2)
    if rows and cols:
        # An Excel table (filter buttons, banded rows) over the header and the rows written above.
        ws.add_table(1, 0, 1 + len(rows), len(cols) - 1, {
            "name": table_name, "style": "Table Style Light 1", "autofilter": True,
            "columns": [{"header": h, "header_format": fmt["header"]} for h in heads],
        })
    else:  # an Excel table needs a data row: the header alone is written as cells
        for c, head in enumerate(heads):
            ws.write_string(1, c, head, fmt["header"])
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(2, 0)
    line = 3 + len(rows)
    note = payload.get("note")
    lines = ([note[lang]] if note else []) + list(notes) + ([_TEXT["hidden"][lang]] if hidden else [])
    # The section a reader can open (its title), not the results file a developer would.
    lines.append(_TEXT["source_line"][lang].format(file=_text.section_title(notebook, lang)))
    for text in lines:
        _wide_text(ws, line, text, widths or [_MAX_WIDTH], fmt["note"])
        line += 1
    _print_setup(ws, widths, footer, _TITLE_ROWS)


def _about_sheet(wb, fmt, tables, sheets, manifest, period, region, version, lang, footer="",
                 table_name: str = "T_sheets") -> None:
    ws = wb.add_worksheet(_TEXT["about"][lang])
    widths = [26, 70, 24]
    _wide_text(ws, 0, _TEXT["title"][lang], widths, fmt["title"], line_pt=_TITLE_PT)
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
    first = r
    r += 1
    present = {t for t, _, _ in tables}
    for name, _key, payload, nb, _notes in sheets:
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, payload["title"][lang])
        ws.write_string(r, 2, _text.section_title(nb, lang))
        r += 1
    for tid, sheet in HEADLINE_TABLES.items():
        if tid not in present:
            ws.write_string(r, 0, sheet[lang])
            ws.write_string(r, 1, _TEXT["missing"][lang], fmt["note"])
            ws.write_blank(r, 2, None)
            r += 1
    ws.add_table(first, 0, r - 1, 2, {
        "name": table_name, "style": "Table Style Light 1", "autofilter": True,
        "columns": [{"header": _TEXT[k][lang], "header_format": fmt["header"]} for k in ("sheet", "table", "source")],
    })
    r += 1
    _wide_text(ws, r, _TEXT["hidden"][lang], widths, fmt["note"])
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    _print_setup(ws, widths, footer, 1)
