"""``tabel-<P>.xlsx`` prints and computes (issue 15).

* LibreOffice Calc (headless, an independent program) prints the workbook to PDF, read with
  poppler: every sheet prints one page wide (its header row, first to last cell, is a line at
  the top of every page), in the orientation its page setup asks for, and the whole workbook
  takes at most one page per sheet plus the detail sheets' pages: the fixture's workbook and the
  demo period's (from the committed golden records: 17 units, 153 IKM element rows);
* the print settings read back with openpyxl on every sheet: A4, fit to one page wide, title
  and header rows repeated, a footer with region, period and page number, margins;
* numbers are stored as numbers (counts as whole numbers, percentages as fractions with a %
  format), never as text; every table is an Excel table with filter buttons and unique headers;
* the impact sheet holds only the average-effect rows and the details sheet every event-time
  row of the recorded impact table, then the per-cohort estimates when the section recorded them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mutasi_analysis.record import read_record, record
from mutasi_analysis.reporting.excel import build_excel, header_text
from mutasi_analysis.reporting.tables import HEADLINE_TABLES, impact_table, table_payload

from tests.conftest import INSTALL_SYSTEM_DEPS, require

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "2026-S1"  # the demo period's records

# The impact table's event-time rows, spelled out (not derived from the code under test): the
# month relative to rotation is +e for "Bulan ke-e sejak mutasi", -e for "e bulan sebelum mutasi".
EVENT_ROW = {
    "id": re.compile(r"^(?:(?P<pre>\d+) bulan sebelum mutasi|Bulan ke-(?P<post>\d+) sejak mutasi)$"),
    "en": re.compile(r"^(?:(?P<pre>\d+) months before rotation|Month (?P<post>\d+) since rotation)$"),
}
DETAILS = {"id": "Rincian", "en": "Details"}
ALL_COHORTS = {"id": "semua kohort", "en": "all cohorts"}
PAGE = {"id": "Halaman", "en": "Page"}
NUMERIC = ("integer", "number", "percent", "pvalue")
# "12", "-0,97", "1.234,5", "87.5 %": a number; "0.1.0" (a version) or "n = 155" is not.
A_NUMBER_AS_TEXT = re.compile(r"^\s*[-+\u2212]?(?:\d+|\d{1,3}(?:[.,]\d{3})+)(?:[.,]\d+)?\s*%?\s*$")


def _month(label: str, lang: str) -> int | None:
    m = EVENT_ROW[lang].match(label)
    if not m:
        return None
    return -int(m["pre"]) if m["pre"] is not None else int(m["post"])


@pytest.fixture(scope="module")
def workbooks(rendered):
    out = {}
    for lang in ("id", "en"):
        path = build_excel(rendered["folder"], lang=lang)
        out[lang] = openpyxl.load_workbook(path)
        out[f"{lang}_bytes"] = path.read_bytes()  # the folder's file is rewritten by the next build
    return out


def _table(ws):
    """The sheet's one Excel table: (header row number, first data row, last data row, headers)."""
    tables = list(ws.tables.values())
    assert len(tables) == 1, f"{ws.title}: {len(tables)} Excel tables"
    (c1, r1), (c2, r2) = (openpyxl.utils.cell.coordinate_from_string(x) for x in tables[0].ref.split(":"))
    first, last = openpyxl.utils.column_index_from_string(c1), openpyxl.utils.column_index_from_string(c2)
    heads = [ws.cell(r1, c).value for c in range(first, last + 1)]
    return tables[0], r1, r1 + 1, r2, heads


def _rows(ws):
    _, _, top, bottom, heads = _table(ws)
    return heads, [[ws.cell(r, c).value for c in range(1, len(heads) + 1)] for r in range(top, bottom + 1)]


def _same_rows(got, expected) -> None:
    """Rows equal, texts exactly, numbers to the 15-16 digits a spreadsheet holds; None is "-"."""
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert len(g) == len(e)
        for a, b in zip(g, e):
            if isinstance(b, float):
                assert a == pytest.approx(b, rel=1e-15, abs=0), (g, e)
            else:
                assert a == ("-" if b is None else b), (g, e)


def _recorded(folder) -> dict:
    out = {}
    for nb in ("00_ikhtisar", "02_rotasi", "03_dampak", "04_kepuasan"):
        out.update(read_record(folder / f"{nb}.json").get("tables", {}))
    return out


# ------------------------------------------------------------------ LibreOffice prints it
def _to_pdfs(xlsxs: list[Path], tmp_path) -> list[Path]:
    """The workbooks (in one folder, names distinct) printed to PDF by LibreOffice Calc (headless),
    each on its own, in one run of it (its start-up is much of a conversion's time); skips without
    it or poppler."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice Calc (soffice)",
            f"apt-get install -y --no-install-recommends libreoffice-calc-nogui, or {INSTALL_SYSTEM_DEPS}")
    missing = [t for t in ("pdfinfo", "pdftotext") if shutil.which(t) is None]
    require(not missing, f"poppler-utils ({', '.join(missing)})", INSTALL_SYSTEM_DEPS)
    (folder,) = {x.parent for x in xlsxs}
    # A profile of its own: no clash with a running LibreOffice or a parallel test.
    run = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(folder), *map(str, xlsxs)],
                         capture_output=True, text=True, timeout=300)
    pdfs = [x.with_suffix(".pdf") for x in xlsxs]
    assert run.returncode == 0 and all(p.exists() for p in pdfs), run.stdout + run.stderr
    return pdfs


@pytest.fixture(scope="module")
def fixture_pdfs(workbooks, tmp_path_factory):
    """The fixture's workbook in each language printed by LibreOffice (both in one run of it)."""
    folder = tmp_path_factory.mktemp("printed")
    xlsxs = []
    for lang in ("id", "en"):
        xlsx = folder / f"tabel-{lang}.xlsx"
        xlsx.write_bytes(workbooks[f"{lang}_bytes"])
        xlsxs.append(xlsx)
    return dict(zip(("id", "en"), _to_pdfs(xlsxs, folder)))


DEMO_MANIFEST = {"period": "2026-S1", "period_kind": "semester", "period_start": "2026-01-01",
                 "period_end": "2026-06-30", "region": {"code": "alak", "name": "Kecamatan Alak"}}


@pytest.fixture(scope="module")
def demo_workbooks(tmp_path_factory):
    """The demo period's workbook in each language, built from the committed golden records."""
    out = {}
    for lang in ("id", "en"):
        folder = tmp_path_factory.mktemp(f"demo_{lang}") / "2026-S1"
        shutil.copytree(GOLDEN, folder)
        out[lang] = build_excel(folder, lang, manifest=DEMO_MANIFEST)
    return out


@pytest.fixture(scope="module")
def demo_pdfs(demo_workbooks, tmp_path_factory):
    """The demo period's workbook in each language printed by LibreOffice (both in one run of it)."""
    folder = tmp_path_factory.mktemp("demo_printed")
    xlsxs = []
    for lang, path in demo_workbooks.items():
        xlsx = folder / f"tabel-demo-{lang}.xlsx"
        shutil.copy(path, xlsx)
        xlsxs.append(xlsx)
    return dict(zip(demo_workbooks, _to_pdfs(xlsxs, folder)))


def _first_word(head) -> re.Pattern:
    """The first word of a header cell as a word of its own (a short one, "p", is no substring)."""
    return re.compile(rf"(?<!\S){re.escape(str(head).split()[0])}(?!\S)")


def _header_line(text: str, heads: list) -> bool:
    """The page's header row is a text line near its top: the line starts with the first header
    cell and holds the last one to its right (wrapped headers are top-aligned: their first
    words share the line). A page cut before the last column, or holding a stray column, has no
    such line."""
    first, last = _first_word(heads[0]), _first_word(heads[-1])
    for line in [ln for ln in text.splitlines() if ln.strip()][:8]:
        m = first.match(line.lstrip())
        if m and (len(heads) == 1 or last.search(line.lstrip(), m.end())):
            return True
    return False


def _printed_pages(pdf, wb, lang: str, region: str) -> dict[str, list[int]]:
    """Each sheet's printed pages, checking every page: its footer (region, period, sheet,
    "page i / N"), its header row as a line (one page wide) and its orientation."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n_pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    names = wb.sheetnames
    pages: dict[str, list[int]] = {name: [] for name in names}
    for i in range(1, n_pages + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        # The footer names the sheet (&A) and the page: "... Halaman i / N".
        footer = next((ln for ln in text.splitlines() if re.search(rf"{PAGE[lang]} \d+ / \d+", ln)), None)
        assert footer is not None, f"page {i} has no footer with its page number:\n{text}"
        assert re.search(rf"{PAGE[lang]} {i} / {n_pages}\b", footer), footer
        assert region in footer and "2026" in footer, footer
        sheet = max((n for n in names if n in footer), key=len, default=None)
        assert sheet is not None, f"page {i}: footer names no sheet: {footer!r}"
        pages[sheet].append(i)
        # One page wide: the header row (repeated on every page) runs from the first column's
        # header to the last one's on one line.
        table, header_row, _, _, heads = _table(wb[sheet])
        if header_row <= 2:  # the first sheet's table sits below the report's details: page 1 only
            assert _header_line(text, heads), f"page {i} ({sheet}): no header line {heads[0]!r} .. {heads[-1]!r}:\n{text}"
        size = re.search(r"size:\s+([\d.]+) x ([\d.]+)", subprocess.run(
            ["pdfinfo", "-f", str(i), "-l", str(i), str(pdf)], capture_output=True, text=True, check=True).stdout)
        landscape = float(size[1]) > float(size[2])
        assert landscape == (wb[sheet].page_setup.orientation == "landscape"), f"page {i} ({sheet})"
    assert all(pages[n] for n in names), f"sheets that printed nothing: {[n for n in names if not pages[n]]}"
    order = [p for n in names for p in pages[n]]
    assert order == list(range(1, n_pages + 1)), "pages follow the sheets' order"
    return pages


def _within_page_limit(pages: dict[str, list[int]], lang: str) -> None:
    """Issue 15: at most one page per sheet plus the detail sheets' pages (the impact details and
    the per-cell IKM table), i.e. every headline sheet prints on one page."""
    detail_sheets = {DETAILS[lang], HEADLINE_TABLES["ikm_unsur"][lang]}
    n_pages = sum(len(p) for p in pages.values())
    detail_pages = sum(len(p) for n, p in pages.items() if n in detail_sheets)
    assert n_pages <= len(pages) + detail_pages, {n: len(p) for n, p in pages.items()}


def test_header_line_is_the_header_row_not_words_anywhere():
    heads = ["Ukuran", "Metode", "Nilai p"]
    page = "Dampak layanan\n\nUkuran      Metode     Perkiraan     Nilai p\nDampak rata-rata   analitik   -1,2   0,04\n"
    assert _header_line(page, heads)
    # the words are on the page, but not as one header line (a column cut off, or the words
    # found in the title and in the body)
    cut = "Dampak layanan\n\nUkuran      Metode     Perkiraan\nDampak rata-rata   analitik   -1,2\nNilai p ...\n"
    assert not _header_line(cut, heads)
    # a short header ("p") is a word of its own, not a letter of another word
    assert not _header_line("Ukuran      per unit\n", ["Ukuran", "p"])
    assert _header_line("Ukuran      n      p\n", ["Ukuran", "p"])
    assert not _header_line("Ukuran      Metode     Perkiraanp\n", heads)


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_libreoffice_prints_every_sheet_one_page_wide(rendered, workbooks, fixture_pdfs, lang):
    pdf = fixture_pdfs[lang]  # the bytes of workbooks[f"{lang}_bytes"], printed
    wb = workbooks[lang]
    pages = _printed_pages(pdf, wb, lang, rendered["manifest"]["region"]["name"])
    _within_page_limit(pages, lang)
    # the fixture's wide sheets really are landscape, its narrow ones portrait
    assert wb[HEADLINE_TABLES["temuan"][lang]].page_setup.orientation == "landscape"
    assert wb[HEADLINE_TABLES["mutasi"][lang]].page_setup.orientation == "portrait"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_demo_report_prints_within_the_page_limit(demo_workbooks, request, lang):
    """The committed golden records of the demo period (a real report's tables: 17 units, the
    IKM of nine elements per unit, 88 impact rows) print within the issue's page limit."""
    path = demo_workbooks[lang]
    wb = openpyxl.load_workbook(path)
    ikm = HEADLINE_TABLES["ikm_unsur"][lang]
    assert ikm in wb.sheetnames and len(_rows(wb[ikm])[1]) > 100, "the golden records hold the long per-cell IKM table"
    # printed after the checks above, as before (demo_pdfs skips without LibreOffice)
    pages = _printed_pages(request.getfixturevalue("demo_pdfs")[lang], wb, lang, "Kecamatan Alak")
    _within_page_limit(pages, lang)
    headline = [n for n in wb.sheetnames if n not in (DETAILS[lang], HEADLINE_TABLES["ikm_unsur"][lang])]
    assert all(len(pages[n]) == 1 for n in headline), {n: pages[n] for n in headline}


# ------------------------------------------------------------------ print settings
@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_print_settings_on_every_sheet(rendered, workbooks, lang):
    wb = workbooks[lang]
    region = rendered["manifest"]["region"]["name"]
    period = {"id": "Semester I 2026", "en": "Semester 1, 2026"}[lang]
    assert len(wb.worksheets) == 7
    for ws in wb.worksheets:
        where = ws.title
        assert ws.page_setup.orientation in ("portrait", "landscape"), where
        assert int(ws.page_setup.paperSize) == 9, f"{where}: A4"
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, where
        # one page wide (fitToWidth's default is 1), as many pages tall as needed
        assert int(ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0, where
        title_rows = "$1:$1" if ws.title == wb.sheetnames[0] else "$1:$2"  # the first sheet: its title
        assert ws.print_title_rows == title_rows, where
        assert ws.oddFooter.left.text == f"{region} \u2013 {period}", where
        assert ws.oddFooter.center.text == "&A", where  # the sheet's name
        assert ws.oddFooter.right.text == f"{PAGE[lang]} &P / &N", where
        m = ws.page_margins
        assert 0.3 <= m.left <= 0.8 and 0.3 <= m.right <= 0.8 and 0.4 <= m.top <= 1 and 0.4 <= m.bottom <= 1, where
        assert m.footer < m.bottom, f"{where}: the footer sits inside the bottom margin"
        # Wide (more columns than a portrait page holds: > 110 characters) is landscape,
        # narrow (< 85) portrait.
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width for c in range(1, ws.max_column + 1)]
        if sum(widths) > 110:
            assert ws.page_setup.orientation == "landscape", f"{where}: {sum(widths)} characters wide"
        elif sum(widths) < 85:
            assert ws.page_setup.orientation == "portrait", f"{where}: {sum(widths)} characters wide"


# ------------------------------------------------------------------ numbers and tables
@pytest.mark.render
@pytest.mark.slow
def test_numbers_are_stored_as_numbers(rendered, workbooks):
    wb = workbooks["id"]
    recorded = _recorded(rendered["folder"])
    checked = 0
    for tid, payload in recorded.items():
        ws = wb[HEADLINE_TABLES[tid]["id"]]
        heads, rows = _rows(ws)
        for c, col in enumerate(payload["columns"]):
            assert heads[c] == header_text(col, "id")
            if col["format"] not in NUMERIC:
                continue
            for r, row in enumerate(rows):
                value = row[c]
                assert value in ("*", "-") or (isinstance(value, (int, float)) and not isinstance(value, bool)), \
                    f"{ws.title} row {r} {heads[c]!r}: {value!r}"
                cell = ws.cell(3 + r, 1 + c)
                if isinstance(value, (int, float)):
                    checked += 1
                    assert cell.data_type == "n", f"{ws.title}!{cell.coordinate}"
                    if col["format"] == "integer":
                        assert float(value).is_integer() and cell.number_format == "#,##0"
                    elif col["format"] == "percent":
                        assert cell.number_format.endswith("%")
                    else:
                        assert "0.0" in cell.number_format, cell.number_format
    assert checked > 20
    # The details sheet: its month column holds whole numbers, its estimates numbers.
    heads, rows = _rows(wb[DETAILS["id"]])
    month = heads.index("Bulan relatif terhadap mutasi")
    assert all(isinstance(row[month], int) for row in rows)
    for c in (4, 5, 6):
        assert all(isinstance(row[c], float) or row[c] == "-" for row in rows), heads[c]
    assert A_NUMBER_AS_TEXT.match("-0,97") and A_NUMBER_AS_TEXT.match("1.234,5") and A_NUMBER_AS_TEXT.match("87.5 %")
    # Nowhere in the workbook is a number written as text (the first sheet's version and commit
    # above its sheet list are identifiers).
    for ws in wb.worksheets:
        below = _table(ws)[1] if ws.title == wb.sheetnames[0] else 1
        for row in ws.iter_rows(min_row=below):
            for cell in row:
                if isinstance(cell.value, str):
                    assert not A_NUMBER_AS_TEXT.match(cell.value), f"{ws.title}!{cell.coordinate}: {cell.value!r}"


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_table_is_an_excel_table_with_filters(workbooks, lang):
    for ws in workbooks[lang].worksheets:
        table, header_row, top, bottom, heads = _table(ws)
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref, ws.title
        assert (table.headerRowCount in (None, 1)) and bottom >= top, ws.title
        assert all(isinstance(h, str) and h for h in heads), ws.title
        assert len({h.lower() for h in heads}) == len(heads), f"{ws.title}: headers must be unique"
        assert [c.name for c in table.tableColumns] == heads, ws.title
        if ws.title != workbooks[lang].sheetnames[0]:
            assert header_row == 2 and ws.freeze_panes == "A3", ws.title
        # nothing but notes below the table, nothing to the right of it
        assert all(ws.cell(r, c).value is None for r in range(1, ws.max_row + 1)
                   for c in range(len(heads) + 1, ws.max_column + 1)), ws.title


# ------------------------------------------------------------------ the details sheet
@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_event_time_rows_are_on_the_details_sheet_only(rendered, workbooks, lang):
    payload = _recorded(rendered["folder"])["dampak"]
    event = [row for row in payload["rows"] if _month(row[0][lang], lang) is not None]
    head = [row for row in payload["rows"] if _month(row[0][lang], lang) is None]
    assert len(event) >= 20 and len(head) == 3, "the fixture's impact table has both kinds of row"
    wb = workbooks[lang]
    impact = wb[HEADLINE_TABLES["dampak"][lang]]
    # The impact sheet: the average-effect rows, in the recorded order, and no event-time row anywhere.
    _, rows = _rows(impact)
    _same_rows(rows, [[v[lang] if isinstance(v, dict) else v for v in row] for row in head])
    column_a = [impact.cell(r, 1).value for r in range(1, impact.max_row + 1)]
    assert not [v for v in column_a if isinstance(v, str) and _month(v, lang) is not None]
    assert any(isinstance(v, str) and f'"{DETAILS[lang]}"' in v for v in column_a), "it points to the details"
    # The details sheet: every event-time row, in order, with its month and "all cohorts".
    heads, rows = _rows(wb[DETAILS[lang]])
    assert heads[:3] == [header_text(payload["columns"][0], lang),
                         {"id": "Bulan relatif terhadap mutasi", "en": "Months relative to rotation"}[lang],
                         {"id": "Kohort", "en": "Cohort"}[lang]]
    assert heads[3:] == [header_text(c, lang) for c in payload["columns"][1:]]
    _same_rows(rows, [[row[0][lang], _month(row[0][lang], lang), ALL_COHORTS[lang], row[1][lang], *row[2:]]
                      for row in event])


def _impact_result():
    """An impact result (as ``to_dict``) with two event-time rows, analytic inference only."""
    def est(v):
        return {"estimate": v, "conf_low": v - 0.5, "conf_high": v + 0.5, "pvalue": 0.04}

    return {"status": "ok", "inference": "analytic",
            "aggregates": {"simple": est(-1.0), "event": {"table": [
                {"term": "event_time=-1.0", **est(0.1)}, {"term": "event_time=0.0", **est(-0.9)}]}},
            "verdict": {"id": "Putusan.", "en": "Verdict."}}


def test_recorded_att_gt_cells_follow_the_event_rows(tmp_path):
    cells = [{"cohort": "2023-02", "event_time": e, "post": e >= 0, "estimate": 0.25 * e,
              "conf_low": 0.25 * e - 1, "conf_high": 0.25 * e + 1} for e in (-2, -1, 0, 1)]
    cells.append({"cohort": "2023-08", "event_time": 0, "post": True, "estimate": None,
                  "conf_low": None, "conf_high": None})
    record("03_x", {"period": "2026-S1", "att_gt": cells, "tables": {"dampak": impact_table(_impact_result())}},
           folder=tmp_path)
    wb = openpyxl.load_workbook(build_excel(tmp_path, lang="id"))
    assert wb.sheetnames == ["Keterangan", "Dampak layanan", "Rincian"]
    _, rows = _rows(wb["Dampak layanan"])
    assert [r[:2] for r in rows] == [["Dampak rata-rata (semua unit dan bulan setelah mutasi)", "analitik (klaster unit)"]]
    heads, rows = _rows(wb["Rincian"])
    assert [r[:3] for r in rows] == [
        ["1 bulan sebelum mutasi", -1, "semua kohort"], ["Bulan ke-0 sejak mutasi", 0, "semua kohort"],
        ["2 bulan sebelum mutasi", -2, "2023-02"], ["1 bulan sebelum mutasi", -1, "2023-02"],
        ["Bulan ke-0 sejak mutasi", 0, "2023-02"], ["Bulan ke-1 sejak mutasi", 1, "2023-02"],
        ["Bulan ke-0 sejak mutasi", 0, "2023-08"]]
    # a cell's estimate and interval, no method and no p-value (not recorded per cell)
    assert rows[5][3:] == ["-", 0.25, -0.75, 1.25, "-"]
    assert rows[6][3:] == ["-", "-", "-", "-", "-"]
    ws = wb["Rincian"]
    notes = [ws.cell(r, 1).value for r in range(len(rows) + 3, ws.max_row + 1)]
    assert any(n and "per kohort" in n for n in notes)


def test_no_details_sheet_without_detail_rows(tmp_path):
    result = _impact_result()
    result["aggregates"]["event"] = {"table": []}
    # an "att_gt" of another shape (a researcher's own) is not taken for the section's cells
    record("03_x", {"period": "2026-S1", "att_gt": {"table": [1, 2]},
                    "tables": {"dampak": impact_table(result)}}, folder=tmp_path)
    wb = openpyxl.load_workbook(build_excel(tmp_path, lang="en"))
    assert wb.sheetnames == ["About", "Service impact"]
    ws = wb["Service impact"]
    assert not any("Details" in str(ws.cell(r, 1).value) for r in range(1, ws.max_row + 1))


def test_percentages_are_fractions_and_counts_whole_numbers(tmp_path):
    frame = pd.DataFrame({"n_lembar": [8, 12], "share_belum_siap": [0.875, 0.25]})
    payload = table_payload(frame, title="T", labels={"n_lembar": "Lembar", "share_belum_siap": "Belum siap"},
                            formats={"n_lembar": "integer", "share_belum_siap": "percent"})
    record("05_x", {"period": "2026-S1", "tables": {"umpan_balik": payload}}, folder=tmp_path)
    ws = openpyxl.load_workbook(build_excel(tmp_path))["Umpan balik ASN"]
    assert [(c.value, c.number_format, c.data_type) for c in ws[3]] == [(8, "#,##0", "n"), (0.875, "0.0%", "n")]
    assert isinstance(ws["A3"].value, int)
    assert ws.print_title_rows == "$1:$2" and ws.page_setup.orientation == "portrait"
