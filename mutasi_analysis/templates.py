"""Input templates: one XLSX per raw table, with the contract's headers and Excel's own checks.

A data officer fills the template of a table (``<table>.xlsx``, the file name ingestion reads)
instead of typing a sheet from scratch. Each template holds:

* the data sheet, first (ingestion reads the first sheet only): the contract's canonical
  headers in contract order (:data:`mutasi_analysis.schemas.SPECS`), the header row bold and
  frozen, and data validation on every data row of the sheet (one range per column, row 2
  to Excel's last row 1,048,576): lists for codes (unit codes from the
  region config, every ``code``/``intcode`` vocabulary of the schema, golongan), whole numbers
  in the schema's range for the SKM elements (1-4) and Likert items (1-5), a whole number of 0
  or more for ``formasi.kebutuhan`` and a year for ``formasi.tahun`` (ingestion checks it
  against the data's years), a number above the lower bound for ``jam_pelajaran``, dates from the schema's earliest date to today, and NIPs
  typed as text (18 digits once spaces are removed, as ingestion reads them). A list whose
  ingestion accepts more forms than it shows (golongan ``IIIa`` or ``31``, codes in another
  case, a unit's ``siasn_ids``) and the date checks (a date typed as text is accepted by
  ingestion) only warn; the SKM and Likert ranges refuse. Date columns carry a date number
  format, NIP columns the text format ``@``. ``unit.xlsx`` comes filled with the region
  config's units (ingestion requires the unit table to agree with the config);
* the sheet "Petunjuk" (guide): one row per column with whether it is required, its type, its
  allowed values or range and an example, all read from the schema and the region config;
* a hidden sheet "Daftar" holding the lists too long for a validation formula (Excel allows
  255 characters in a literal list).

Excel checks what is typed, not what is pasted: ingestion (:mod:`mutasi_analysis.ingest`)
stays the gate and rejects a bad row with its reason however it got into the file.

:func:`fill_template` writes rows into a template (the demo's ``--format template``).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
import pandas as pd

from .config import RegionConfig, load_config
from .contract import LIKERT_ITEMS, SKM_ELEMENTS
from .errors import MutasiError
from .readers import EARLIEST_DATE, RAW_SUFFIXES, parse_datetime, parse_number
from .schemas import GOLONGAN_CODES, PPPK_GOLONGAN, SPECS, TABLES, ColumnSpec, TableSpec, normalise_golongan
from .text import LABELS, label

__all__ = [
    "TEMPLATE_ROWS",
    "GUIDE_SHEET",
    "LIST_SHEET",
    "KANAL_SUGGESTIONS",
    "EXAMPLES",
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "allowed_values",
    "parse_tables",
    "build_template",
    "fill_template",
    "write_templates",
]

#: Excel's last row: a template's validation covers every data row (2..1,048,576), so a
#: semester of SKM (often more than 5,000 respondents) is checked to its last row.
EXCEL_MAX_ROW = 1_048_576
#: Data rows a template's validation covers: the whole sheet below the header.
TEMPLATE_ROWS = EXCEL_MAX_ROW - 1
GUIDE_SHEET = "Petunjuk"
LIST_SHEET = "Daftar"
#: The largest year a template's year column takes (ingestion checks the data's own years).
_LAST_YEAR = 9999
#: Excel's limit on a literal list ``"a,b,c"`` in a validation formula.
_INLINE_LIST_MAX = 255
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
TEXT_FORMAT = "@"
#: Channels offered in the kanal drop-down; kanal is free text in the contract, so any other
#: channel is still accepted (the validation only informs).
KANAL_SUGGESTIONS = ("lapor", "whatsapp", "langsung", "surat")
#: One example row per table (language-free values); ``{kode_unit}`` and the other unit fields
#: are the region config's first unit, so the package names no region.
EXAMPLES: dict[str, dict[str, str]] = {
    "unit": {"kode_unit": "{kode_unit}", "nama_unit": "{nama_unit}", "jenis_unit": "{jenis_unit}",
             "kelurahan": "{kelurahan}"},
    "pegawai": {"nip": "198703152010011002", "nama": "Yohanes Ndun", "golongan": "III/b", "jenis_jabatan": "4",
                "status": "PNS", "tanggal_keluar": "31-12-2025"},
    "riwayat_jabatan": {"nip": "198703152010011002", "kode_unit": "{kode_unit}", "nama_jabatan": "Pengadministrasi Umum",
                        "jenis_jabatan": "4", "eselon": "99", "tmt_jabatan": "01-02-2023",
                        "nomor_sk": "800/123/BKPSDM/2023", "tanggal_sk": "20-01-2023", "jenis_mutasi": "MU",
                        "jenis_penugasan": "D", "nomor_persetujuan": "100.2.2.6/1234/OTDA"},
    "pengaduan": {"id_laporan": "LPR-2024-000123", "kode_unit": "{kode_unit}", "kanal": "lapor", "kategori": "pengaduan",
                  "waktu_diterima": "05-03-2024 09:15", "waktu_respon_pertama": "06-03-2024 10:02",
                  "waktu_selesai": "11-03-2024 14:30", "status": "selesai"},
    "skm": {"id_responden": "SKM-2024S1-0001", "kode_unit": "{kode_unit}", "tanggal": "14-05-2024",
            **dict(zip(SKM_ELEMENTS, "433433432"))},
    "survei_asn": {"nip": "198703152010011002", "tanggal": "15-06-2024", "kode_unit": "{kode_unit}",
                   **dict(zip(LIKERT_ITEMS, "2343534")), "komentar": "Perlu pelatihan aplikasi"},
    "pelatihan": {"nip": "198703152010011002", "nama_pelatihan": "Pelatihan Pelayanan Prima",
                  "tanggal_mulai": "06-03-2023", "tanggal_selesai": "10-03-2023", "jam_pelajaran": "32"},
    "formasi": {"kode_unit": "{kode_unit}", "kelompok_jabatan": "pelaksana", "nama_jabatan": "Pengadministrasi Umum",
                "kebutuhan": "4", "tahun": "2026"},
}
# Column widths (characters) by kind; a header longer than its kind's width widens its column.
_WIDTHS = {"text": 24, "nip": 22, "unit": 18, "code": 14, "intcode": 10, "golongan": 10, "int": 8,
           "float": 10, "date": 12, "datetime": 17}
_EARLIEST = EARLIEST_DATE.isoformat()  # the readers' earliest plausible date


def allowed_values(column: ColumnSpec, cfg: RegionConfig) -> tuple:
    """The values a template's drop-down list offers for a column, from the schema and config.

    Parameters
    ----------
    column : ColumnSpec
    cfg : RegionConfig
        Region config: its unit codes are the list of a ``unit`` column.

    Returns
    -------
    tuple
        Unit codes for ``unit``; the schema's vocabulary for ``code``/``intcode``; the PNS
        golongan (``I/a``..``IV/e``) and PPPK grades for ``golongan``; empty for other kinds.
    """
    if column.kind == "unit":
        return cfg.unit_codes
    if column.kind in ("code", "intcode"):
        return tuple(column.codes)
    if column.kind == "golongan":
        return tuple(GOLONGAN_CODES.values()) + tuple(PPPK_GOLONGAN)
    return ()


def parse_tables(tables: str | Iterable[str] | None) -> tuple[str, ...]:
    """The raw tables named by ``--tables`` (comma-separated), in contract order.

    Raises
    ------
    MutasiError
        One line naming the unknown tables and the known ones (exit code 2).
    """
    if tables is None:
        return TABLES
    names = [t.strip() for t in (tables.split(",") if isinstance(tables, str) else tables)]
    names = [t for t in names if t]
    unknown = [t for t in names if t not in SPECS]
    if unknown or not names:
        raise MutasiError(f"unknown table {', '.join(unknown) or '(none given)'}; known tables: {', '.join(TABLES)}")
    return tuple(t for t in TABLES if t in names)


def _column_text(table: str, column: ColumnSpec, lang: str) -> str:
    """What a column holds, from the catalogue (``template.col.<table>.<column>`` first)."""
    if column.name in SKM_ELEMENTS:
        return LABELS["template.col.skm_element"][lang].format(
            n=SKM_ELEMENTS.index(column.name) + 1, name=label(column.name, lang))
    if column.name in LIKERT_ITEMS:
        return LABELS["template.col.likert_item"][lang].format(
            name=label(column.name, lang), low=label("likert_1", lang).lower(), high=label("likert_5", lang).lower())
    for key in (f"template.col.{table}.{column.name}", f"template.col.{column.name}"):
        if key in LABELS:
            return LABELS[key][lang]
    raise KeyError(f"no template text for column {table}.{column.name}; add template.col.{column.name} "
                   "to mutasi_analysis.text.LABELS")


def _num(v: float) -> str:
    return f"{v:g}"


def _dmy(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")


@dataclass(frozen=True)
class _Rule:
    """How a template treats one column: its validation, cell format and guide row."""

    column: ColumnSpec
    values: tuple          # list validation values (empty: no list)
    number_format: str     # "General", "@", a date format
    width: float


def _rule(column: ColumnSpec, cfg: RegionConfig) -> _Rule:
    values = allowed_values(column, cfg)
    if column.name == "kanal" and column.kind == "text":
        values = KANAL_SUGGESTIONS
    # Text columns are formatted as text so that Excel keeps what is typed (a NIP, "0012", an SK
    # number like "800/1/2023" that it would read as a date); numbers stay General.
    fmt = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "int": "General", "intcode": "General",
           "float": "General"}.get(column.kind, TEXT_FORMAT)
    width = max(_WIDTHS.get(column.kind, 16), len(column.name) + 3,
                max((len(str(v)) + 4 for v in values), default=0))
    return _Rule(column, values, fmt, float(min(width, 60)))


def _guide_row(table: str, rule: _Rule, lang: str, unit: dict[str, str]) -> list[str]:
    c = rule.column
    if c.required:
        required = label("template.required.yes", lang)
    elif c.optional_column:
        required = label("template.required.optional_column", lang)
    else:
        required = label("template.required.blank", lang)
    if c.name == "kanal" and c.kind == "text":
        allowed = LABELS["template.allowed.suggested"][lang].format(values=", ".join(rule.values))
    elif rule.values:
        allowed = ", ".join(map(str, rule.values))
    elif c.kind == "nip":
        allowed = label("template.allowed.nip", lang)
    elif c.kind in ("int", "float") and c.lo is not None and c.hi is not None:
        allowed = LABELS["template.allowed.range"][lang].format(lo=_num(c.lo), hi=_num(c.hi))
    elif c.kind in ("int", "float") and c.lo is not None:
        key = "template.allowed.above" if c.lo_open else "template.allowed.at_least"
        allowed = LABELS[key][lang].format(lo=_num(c.lo))
    elif c.name == SPECS[table].year_in_data:
        allowed = label("template.allowed.year_in_data", lang)
    elif c.kind in ("date", "datetime"):
        allowed = LABELS["template.allowed.dates"][lang].format(start=_dmy(c.min_date or _EARLIEST))
    else:
        allowed = label("template.allowed.any", lang)
    kind = label(f"template.kind.{c.kind}", lang)
    example = EXAMPLES.get(table, {}).get(c.name, "").format(**unit)
    return [c.name, required, kind, allowed, example, _column_text(table, c, lang)]


def _validation(table: str, rule: _Rule, ref: str, lists: "_Lists", lang: str) -> DataValidation | None:
    """The data validation of one column (``ref``: the column's first data cell, e.g. ``A2``)."""
    c = rule.column
    title = label("template.error_title", lang)
    dv: DataValidation | None = None
    if rule.values:
        dv = DataValidation(type="list", formula1=lists.formula(c.name, rule.values), allow_blank=True)
        if c.name == "kanal" and c.kind == "text":
            dv.errorStyle = "information"
            dv.error = label("template.error.suggested", lang)
        else:
            # Ingestion accepts more forms than the list shows (golongan IIIa, III a or SIASN 31;
            # codes in another case or with spaces for underscores; a unit's siasn_ids): the
            # list warns, and the data officer may keep what was typed.
            dv.errorStyle = "warning"
            dv.error = LABELS["template.error.list"][lang].format(column=c.name)
    elif c.kind in ("int", "float") and c.lo is not None:
        kind = "whole" if c.kind == "int" else "decimal"
        if c.hi is not None and not c.lo_open:
            dv = DataValidation(type=kind, operator="between", formula1=_num(c.lo), formula2=_num(c.hi),
                                allow_blank=True)
            dv.error = LABELS["template.error.whole"][lang].format(lo=_num(c.lo), hi=_num(c.hi))
        else:
            dv = DataValidation(type=kind, operator="greaterThan" if c.lo_open else "greaterThanOrEqual",
                                formula1=_num(c.lo), allow_blank=True)
            key = "template.error.above" if c.lo_open else (
                "template.error.at_least_whole" if c.kind == "int" else "template.error.at_least")
            dv.error = LABELS[key][lang].format(lo=_num(c.lo))
    elif c.kind == "int" and c.name == SPECS[table].year_in_data:
        # The allowed years depend on the data (ingestion checks them); Excel checks a year.
        dv = DataValidation(type="whole", operator="between", formula1=str(EARLIEST_DATE.year),
                            formula2=str(_LAST_YEAR), allow_blank=True)
        dv.error = label("template.error.year", lang)
    elif c.kind in ("date", "datetime"):
        start = dt.date.fromisoformat(c.min_date or _EARLIEST)
        # Ingestion refuses a date after the day it runs: TODAY() is as close as Excel gets (a
        # date-and-time of today is after TODAY(), hence the day's end for datetime columns).
        dv = DataValidation(type="date", operator="between", formula1=f"DATE({start.year},{start.month},{start.day})",
                            formula2="TODAY()" if c.kind == "date" else "TODAY()+0.99999", allow_blank=True)
        # A date typed as text (15-06-2024) is accepted by ingestion but is not an Excel date:
        # the check warns instead of refusing, so the data officer can keep it.
        dv.errorStyle = "warning"
        dv.error = LABELS["template.error.date"][lang].format(start=start.strftime("%d-%m-%Y"))
    elif c.kind == "nip":
        dv = DataValidation(type="custom", formula1=nip_formula(ref), allow_blank=True)
        dv.error = label("template.error.nip", lang)
    else:  # free text: no check, only the input message
        dv = DataValidation(allow_blank=True)
    dv.showErrorMessage = dv.type is not None
    dv.errorTitle = title
    dv.showInputMessage = True
    dv.promptTitle = c.name[:32]
    need = label("template.prompt.required" if c.required else "template.prompt.blank", lang)
    if c.kind in ("date", "datetime"):
        need = f"{need} {label('template.prompt.date', lang)}"
    dv.prompt = _clip(f"{_column_text(table, c, lang)}. {need}")
    dv.error = _clip(dv.error or "")
    return dv


def nip_formula(ref: str) -> str:
    """The NIP check of cell ``ref``: text, 18 digits once spaces are removed.

    Ingestion removes spaces (and other white space) and wants 18 digits, typed as text: a NIP
    written "19870315 201001 1 002" is accepted, so the rule removes spaces and non-breaking
    spaces (``UNICHAR(160)``: ``CHAR(160)`` is another character on a Mac and in LibreOffice)
    too. Digits only: each half of 9 characters, read as a number and written back with 9
    digits (``TEXT(ABS(..),"000000000")``), must give the half back, which only 9 digits do
    (``198703152010011.02``, ``-1987...``, ``1.98E+17`` or a date fail). Under Excel's 255
    characters for a formula.
    """
    bare = f'SUBSTITUTE(SUBSTITUTE({ref}," ",""),_xlfn.UNICHAR(160),"")'
    half = 'TEXT(ABS(--{side}({bare},9)),"000000000")'
    formula = (f"AND(ISTEXT({ref}),{half.format(side='LEFT', bare=bare)}&{half.format(side='RIGHT', bare=bare)}"
               f"={bare})")
    assert len(formula) <= 255, formula
    return formula


_LINE_POINTS = 15.0  # the height of one line of 11-point Calibri


def _height(values, widths) -> float:
    """Row height (points) holding each value wrapped at its column's width (characters)."""
    lines = max(len(textwrap.wrap(str(v), max(int(w) - 2, 1))) or 1 for v, w in zip(values, widths))
    return _LINE_POINTS * max(lines, 1)


def _clip(text: str, limit: int = 255) -> str:
    """Excel refuses input and error messages over 255 characters."""
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


class _Lists:
    """Literal lists in the validation formula when short, else a column of the hidden sheet."""

    def __init__(self, wb: Workbook):
        self.wb, self.sheet, self.columns = wb, None, {}

    def formula(self, name: str, values: tuple) -> str:
        literal = '"' + ",".join(map(str, values)) + '"'
        if len(literal) <= _INLINE_LIST_MAX and not any("," in str(v) or '"' in str(v) for v in values):
            return literal
        if self.sheet is None:
            self.sheet = self.wb.create_sheet(LIST_SHEET)
            self.sheet.sheet_state = "hidden"
        if name not in self.columns:
            col = len(self.columns) + 1
            self.sheet.cell(1, col, name).font = Font(bold=True)
            for i, v in enumerate(values, start=2):
                self.sheet.cell(i, col, v).number_format = TEXT_FORMAT if isinstance(v, str) else "General"
            self.columns[name] = (get_column_letter(col), len(values) + 1)
        letter, last = self.columns[name]
        return f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${last}"


def build_template(table: str, cfg: RegionConfig, lang: str = "id", rows: int = TEMPLATE_ROWS) -> Workbook:
    """The template workbook of one raw table (not saved).

    Parameters
    ----------
    table : str
        A raw table of the contract (:data:`mutasi_analysis.schemas.TABLES`).
    cfg : RegionConfig
        Region config: the unit codes offered in ``kode_unit``.
    lang : {"id", "en"}
        Language of the guide sheet and of the input and error messages (the headers are the
        contract's, whatever the language).
    rows : int
        Data rows covered by the validation (rows 2..rows+1, at most Excel's last row); by
        default every row of the sheet.

    Returns
    -------
    openpyxl.Workbook
        Sheets: the data sheet (named after the table), "Petunjuk", and "Daftar" (hidden) when a
        list is too long to be written in its validation.
    """
    if table not in SPECS:
        raise MutasiError(f"unknown table {table}; known tables: {', '.join(TABLES)}")
    if lang not in ("id", "en"):
        raise MutasiError(f"unknown language {lang!r}; use id or en")
    spec: TableSpec = SPECS[table]
    wb = Workbook()
    ws = wb.active
    ws.title = table
    lists = _Lists(wb)
    last = min(rows + 1, EXCEL_MAX_ROW)
    rules = [_rule(c, cfg) for c in spec.columns]
    bold = Font(bold=True)
    for j, rule in enumerate(rules, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(1, j, rule.column.name)
        cell.font = bold
        cell.number_format = TEXT_FORMAT
        dim = ws.column_dimensions[letter]
        dim.width = rule.width
        if rule.number_format != "General":
            dim.number_format = rule.number_format  # the column's style: new cells typed in it
        dv = _validation(table, rule, f"{letter}2", lists, lang)
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    if table == "unit":
        # Ingestion requires the unit table to agree with the region config: the template comes
        # filled with the config's units, exactly as the config has them.
        for i, u in enumerate(cfg.units, start=2):
            for j, value in enumerate((u.code, u.name, u.type, u.kelurahan), start=1):
                if value:
                    ws.cell(i, j, value).number_format = TEXT_FORMAT

    guide = wb.create_sheet(GUIDE_SHEET, 1)  # "Petunjuk" in either language: the README names it
    guide["A1"] = LABELS["template.guide_title"][lang].format(table=table)
    guide["A1"].font = Font(bold=True, size=13)
    config = cfg.source.name if cfg.source is not None else cfg.region.code
    lines = [
        LABELS["template.region"][lang].format(region=cfg.region.name, config=config),
        LABELS["template.guide_fill"][lang].format(sheet=table, row=label(f"template.row.{table}", lang)),
        LABELS["template.guide_save"][lang].format(file=f"{table}.xlsx"),
        label("template.guide_paste", lang),
    ]
    if any(c.kind == "nip" for c in spec.columns):
        lines.append(label("template.guide_nip", lang))
    if any(c.kind in ("date", "datetime") for c in spec.columns):
        lines.append(label("template.guide_date", lang))
    if table == "unit":
        lines.append(LABELS["template.guide_unit"][lang].format(config=config))
    widths = (24, 18, 22, 40, 26, 60)
    total = sum(widths)
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, line in enumerate(lines, start=2):
        # an introduction line spans the table's columns, its height set from its wrapped text
        cell = guide.cell(i, 1, line)
        cell.alignment = wrap
        guide.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(widths))
        guide.row_dimensions[i].height = _height([line], [total])
    head = len(lines) + 3
    u = cfg.units[0]
    first_unit = {"kode_unit": u.code, "nama_unit": u.name, "jenis_unit": u.type, "kelurahan": u.kelurahan}
    keys = ("column", "required", "kind", "allowed", "example", "meaning")
    for j, key in enumerate(keys, start=1):
        guide.cell(head, j, label(f"template.head.{key}", lang)).font = bold
    for i, rule in enumerate(rules, start=head + 1):
        values = _guide_row(table, rule, lang, first_unit)
        for j, value in enumerate(values, start=1):
            cell = guide.cell(i, j, value)
            cell.alignment = wrap
            cell.number_format = TEXT_FORMAT
        # LibreOffice does not grow a row to its wrapped text: the height is set from it
        guide.row_dimensions[i].height = _height(values, widths)
    for letter, width in zip("ABCDEF", widths):
        guide.column_dimensions[letter].width = width
    guide.freeze_panes = guide.cell(head + 1, 1).coordinate
    # printed landscape, one page wide, the table's header row on every page
    guide.page_setup.orientation = "landscape"
    guide.page_setup.fitToWidth = 1
    guide.page_setup.fitToHeight = 0
    guide.sheet_properties.pageSetUpPr.fitToPage = True
    guide.print_title_rows = f"{head}:{head}"
    if lists.sheet is not None:
        guide.cell(head + len(rules) + 2, 1,
                   LABELS["template.allowed.list_sheet"][lang].format(sheet=LIST_SHEET))
    wb.active = 0
    return wb


# Far enough ahead that no date is "after today" when a template is filled (ingestion checks that).
_FILL_TODAY = dt.date(9998, 12, 31)


def _parse_texts(column: ColumnSpec, texts) -> dict:
    """Texts of a column as ingestion reads them, in one vectorised call of the readers'
    parsers (:func:`readers.parse_datetime`, :func:`readers.parse_number`,
    :func:`schemas.normalise_golongan`): text -> the datetime, float or ``III/a`` golongan,
    or None when ingestion would not read it so (kept as typed; ingestion rejects its row)."""
    texts = list(dict.fromkeys(texts))
    if not texts or column.kind not in ("date", "datetime", "int", "intcode", "float", "golongan"):
        return {}
    series = pd.Series(texts, dtype=object)
    if column.kind in ("date", "datetime"):
        # 1900 and later, as ingestion (Excel has no earlier date either)
        parsed, wrong, invalid = parse_datetime(series, today=_FILL_TODAY)
        return {t: None if w or i or pd.isna(p) else p.to_pydatetime()
                for t, p, w, i in zip(texts, parsed, wrong, invalid)}
    if column.kind == "golongan":
        gol, _, _ = normalise_golongan(series)
        return {t: None if pd.isna(g) else str(g) for t, g in zip(texts, gol)}
    numbers, bad = parse_number(series)
    return {t: None if b else float(x) for t, x, b in zip(texts, numbers, bad)}


def _cell_value(column: ColumnSpec, value, parsed: Mapping | None = None):
    """A value as the cell a data officer would type: real dates, whole numbers, text NIPs.

    A value that cannot be one (a date that does not exist, a word in a number column) is kept
    as it is: the template is filled with it, and ingestion rejects its row. ``parsed``: the
    column's texts already read by :func:`_parse_texts` (else each text is read alone).
    """
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT, pandas.NA raise or compare unequal
            return None
    except (TypeError, ValueError):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, str) and not value.strip():
        return None
    kind = column.kind
    if isinstance(value, str):
        text = value.strip()
        if parsed is None or text not in parsed:
            parsed = _parse_texts(column, [text])
        reading = parsed.get(text)
    if kind in ("date", "datetime"):
        if isinstance(value, str):
            if reading is None:  # not a date ingestion reads (Excel has none before 1900 either)
                return value
            value = reading
        if isinstance(value, dt.datetime) and kind == "date" and value.time() == dt.time(0):
            return value.date()
        return value
    if kind in ("int", "intcode", "float"):
        if isinstance(value, str):
            if reading is None:
                return value
            value = reading
            if value.is_integer():
                return int(value)
        if isinstance(value, float) and kind != "float" and value.is_integer():
            return int(value)
        return value
    if kind == "golongan":
        if not isinstance(value, str):  # a SIASN code as a number (31)
            text = str(value).strip()
            reading = _parse_texts(column, [text]).get(text)
        return text if reading is None else reading
    return str(value) if not isinstance(value, str) else value


def fill_template(wb: Workbook, table: str, rows: Iterable[Mapping]) -> int:
    """Write data rows into a template built by :func:`build_template`, as cells a person types.

    Dates become date cells (with the template's date format), NIPs and codes text cells,
    numbers numbers, SIASN golongan codes (``31``) the ``III/a`` form the list offers. A value
    that cannot be its type is written as it is (ingestion rejects its row).

    Parameters
    ----------
    wb : openpyxl.Workbook
    table : str
    rows : iterable of mapping
        Column name -> value; columns the template lacks are ignored, missing ones left blank.

    Returns
    -------
    int
        Data rows written.
    """
    spec = SPECS[table]
    ws = wb[table]
    header = [ws.cell(1, j).value for j in range(1, ws.max_column + 1)]
    columns = [(j, spec.column(name)) for j, name in enumerate(header, start=1) if name in spec.names]
    formats = {j: ws.column_dimensions[get_column_letter(j)].number_format for j, _ in columns}
    # Values repeat (a few thousand days, four answers): each distinct value is converted once,
    # keyed by its type too (1, 1.0 and True are equal dict keys but not the same cell).
    seen: dict[int, dict] = {j: {} for j, _ in columns}
    # rows already there (unit.xlsx comes filled with the config's units) are replaced
    for r in range(2, ws.max_row + 1):
        for j, _ in columns:
            ws.cell(r, j).value = None
    rows = list(rows)
    # the texts of each column read at once (the readers' parsers are vectorised)
    parsed = {j: _parse_texts(column, (v.strip() for row in rows
                                       if isinstance(v := row.get(column.name), str)))
              for j, column in columns}
    n = 0
    for i, row in enumerate(rows, start=2):
        for j, column in columns:
            raw = row.get(column.name)
            try:
                key = (type(raw), raw)
                value = seen[j][key]
            except KeyError:
                value = seen[j][key] = _cell_value(column, raw, parsed[j])
            except TypeError:  # an unhashable value
                value = _cell_value(column, raw, parsed[j])
            if value is None:
                continue
            cell = ws.cell(i, j, value)
            if isinstance(value, str):
                cell.number_format = TEXT_FORMAT
            elif formats[j] not in ("General", TEXT_FORMAT):
                cell.number_format = formats[j]
        n += 1
    return n


def write_templates(out: str | Path, region: str | Path | RegionConfig | None = None,
                    tables: str | Iterable[str] | None = None, lang: str = "id", *,
                    force: bool = False) -> list[Path]:
    """Write one empty input template per raw table of the contract.

    Parameters
    ----------
    out : str or Path
        Output folder, created if missing.
    region : str, Path or RegionConfig, optional
        Region config whose units fill the ``kode_unit`` lists; default the project's
        (``[tool.mutasi] region`` in ``pyproject.toml``).
    tables : str or iterable of str, optional
        Tables to write (comma-separated names or a list); default every table of the contract.
    lang : {"id", "en"}
        Language of the guide sheet and the input and error messages.
    force : bool
        Overwrite existing templates; without it, an existing ``<table>.xlsx`` stops the run
        before anything is written. Another file ingestion would read for the table (``<table>.csv``,
        a name in another case) stops the run even with ``force``: ingestion refuses two files
        for one table.

    Returns
    -------
    list of Path
        The files written (``<table>.xlsx``, the names ingestion reads), in contract order.

    Raises
    ------
    MutasiError
        An unknown table (the message names the known ones), an unknown language, a template
        that exists already (without ``force``), or another raw file of the same table.
    """
    names = parse_tables(tables)
    if lang not in ("id", "en"):
        raise MutasiError(f"unknown language {lang!r}; use id or en")
    if isinstance(region, RegionConfig):
        cfg = region
    else:
        if region is None:
            from .project import resolve_path

            region = resolve_path(None, "region")
        cfg = load_config(region)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise MutasiError(f"{out} exists and is not a folder")
    paths = [out / f"{t}.xlsx" for t in names]
    # the files ingestion would read for each table (readers.find_raw_file): any other than the
    # template itself would make two files for one table, which ingestion refuses
    present = [p for p in out.iterdir() if not p.name.startswith("~$") and p.suffix.lower() in RAW_SUFFIXES] \
        if out.is_dir() else []
    others = [p.name for t in names for p in present
              if p.stem.casefold() == t.casefold() and p.name != f"{t}.xlsx"]
    if others:
        raise MutasiError(f"{out} already holds {', '.join(sorted(others))}; a template beside it would give "
                          f"ingestion two files for one table: move it away or use another --out folder")
    existing = [p.name for p in paths if p.exists()]
    if existing and not force:
        raise MutasiError(f"{out} already holds {', '.join(existing)}; refusing to overwrite "
                          f"(use --force, or another --out folder)")
    out.mkdir(parents=True, exist_ok=True)
    for table, path in zip(names, paths):
        build_template(table, cfg, lang).save(path)
    return paths
