"""The reader-text rules of issue 12 (reader_text.py), each shown firing and not firing on
small hand-made inputs: text, HTML, a workbook and a PDF.

The real report is checked with the same functions in test_report_notebooks.py.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

import reader_text as rt
from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module

# A small catalogue in the shape of mutasi_analysis.text.LABELS, with the cases the
# untranslated-label rule must tell apart.
CATALOGUE = {
    "kode_unit": {"id": "Kode unit", "en": "Unit code"},
    "ikm": {"id": "Nilai IKM", "en": "IKM score"},
    "twfe": {"id": "TWFE", "en": "TWFE"},  # the same in both: never a candidate
    "cs": {"id": "Penaksir Callaway-Sant'Anna", "en": "Callaway-Sant'Anna estimator"},
    "rata_rata": {"id": "Rata-rata", "en": "Mean"},
    "yes": {"id": "ya", "en": "yes"},  # too short to tell as a single word
    "kinerja_B": {"id": "Baik", "en": "Good"},
    "kantor_kelurahan": {"id": "Kantor kelurahan", "en": "Urban village office"},
    "catatan_sensor": {"id": "* disembunyikan: sel dari kurang dari {min_cell} orang.",
                       "en": "* suppressed: cell from fewer than {min_cell} people."},
}
UNITS = ["Kantor Kelurahan Alak", "Kecamatan Alak"]


def texts(hits):
    return [h.text for h in hits]


# ------------------------------------------------------------------------------- snake_case
@pytest.mark.parametrize("text, expected", [
    ("Waktu perlakuan (definisi: share_rotated_in)", ["share_rotated_in"]),
    ("Sumber: hasil tercatat 02_mutasi.json", ["02_mutasi.json"]),  # digit-led notebook names too
    ("masa jabatan > rotation.max_years_in_post (5 tahun)", ["rotation.max_years_in_post"]),
    ("DAMPAK-respon_hari_kerja_mean", ["respon_hari_kerja_mean"]),
    ("00_ringkasan ok", ["00_ringkasan"]),
])
def test_snake_case_fires_on_identifiers(text, expected):
    assert texts(rt.snake_case_hits(text)) == expected


@pytest.mark.parametrize("text", [
    "Kantor Kelurahan Alak", "KEL-MANULAI2", "mutasi-analysis 0.1.0", "kandidat-rotasi-2026-S1.csv",
    "Callaway-Sant'Anna", "Lihat https://example.org/doc_page_1 untuk rinciannya",  # a URL is an address
    "MUTASI_PSEUDONYM_KEY",  # no lowercase letter: not snake_case as issue 12 defines it
])
def test_snake_case_quiet_on_prose(text):
    assert rt.snake_case_hits(text) == []


def test_snake_case_allow_list():
    assert rt.snake_case_hits("see foo_bar", allowed={"foo_bar"}) == []
    assert texts(rt.snake_case_hits("see foo_bar and baz_qux", allowed={"foo_bar"})) == ["baz_qux"]
    assert rt.ALLOWED_IDENTIFIERS == frozenset()  # every entry needs its reason written beside it


# ---------------------------------------------------------------------------- number format
@pytest.mark.parametrize("text, expected", [
    ("proporsi 0.25", ["0.25"]),
    ("rata-rata 3.27 hari", ["3.27"]),
    ("p = 0.350", ["0.350"]),  # a leading zero group is never a thousands group
    ("ukuran terukur 5.5%", ["5.5"]),
    ("Versi mutasi-analysis 0.1.0", ["0.1.0"]),  # a version outside code formatting
    ("python 3.11.7 · numpy 2.4.6", ["3.11.7", "2.4.6"]),
])
def test_decimal_point_in_indonesian_fires(text, expected):
    hits = rt.number_format_hits(text, "id")
    assert texts(hits) == expected and {h.rule for h in hits} == {"decimal point in an Indonesian number"}


@pytest.mark.parametrize("text", [
    "5.280 responden", "71.821 baris", "1.234.567,89", "IKM 81,50", "IK -1,42 s.d. -0,43", "tahun 2026",
    "pukul 14.30", "PP 11/2017 jo. PP 17/2020", "KEL-MANULAI2", "Selesai 5. Berikutnya",
])
def test_decimal_point_in_indonesian_quiet(text):
    assert rt.number_format_hits(text, "id") == []


@pytest.mark.parametrize("text, expected", [("IKM 81,50", ["81,50"]), ("estimate -0,97", ["0,97"]),
                                            ("between 1,5 and 2", ["1,5"])])
def test_decimal_comma_in_english_fires(text, expected):
    hits = rt.number_format_hits(text, "en")
    assert texts(hits) == expected and {h.rule for h in hits} == {"decimal comma in an English number"}


@pytest.mark.parametrize("text", ["5,280 respondents", "71,821 rows", "1,234.5", "0.97", "p < 0.001",
                                  "Law 27/2022", "in 3, 4 or 5 units"])
def test_decimal_comma_in_english_quiet(text):
    assert rt.number_format_hits(text, "en") == []


def test_number_format_needs_a_known_language():
    with pytest.raises(ValueError, match="unknown language"):
        rt.number_format_hits("1.5", "fr")


# ------------------------------------------------------------------------------- ISO dates
@pytest.mark.parametrize("text, expected", [
    ("2026-S1 (2026-01-01 - 2026-06-30)", ["2026-01-01", "2026-06-30"]),
    ("Dibuat 2026-11-30T06:22:29.977+00:00", ["2026-11-30T06:22:29.977+00:00"]),
    ("UTC 2026-11-30T06:22:58", ["2026-11-30T06:22:58"]),
    ("tanggal 2026-11-30 06:22", ["2026-11-30 06:22"]),
])
def test_iso_dates_fire(text, expected):
    assert texts(rt.iso_date_hits(text)) == expected


@pytest.mark.parametrize("text", ["Periode 2026-S1", "Semester I 2026", "30 November 2026", "PP 11/2017",
                                  "1 Januari s.d. 30 Juni 2026"])
def test_iso_dates_quiet(text):
    assert rt.iso_date_hits(text) == []


# -------------------------------------------------------------------------- "<=" and ">="
def test_ascii_comparisons_fire_and_unicode_ones_do_not():
    assert texts(rt.ascii_comparison_hits("Belum siap (skor <= 2); pelatihan (skor >= 4)")) == ["<=", ">="]
    assert rt.ascii_comparison_hits("Belum siap (skor ≤ 2); pelatihan (skor ≥ 4); p < 0,001; n > 5") == []


# -------------------------------------------------------------------- untranslated labels
@pytest.fixture(scope="module")
def phrases():
    return {lang: rt.LabelPhrases(CATALOGUE, lang) for lang in rt.LANGS}


def test_english_label_on_an_indonesian_page_fires(phrases):
    hits = rt.untranslated_label_hits("Tabel 1. Unit code dan IKM score per unit", phrases["id"])
    assert texts(hits) == ["Unit code", "IKM score"]
    assert hits[0].detail == "LABELS['kode_unit']"


def test_indonesian_label_on_an_english_page_fires(phrases):
    assert texts(rt.untranslated_label_hits("Table 1. Kode unit and Nilai IKM", phrases["en"])) == ["Kode unit", "Nilai IKM"]
    assert texts(rt.untranslated_label_hits("Grade: Baik", phrases["en"])) == ["Baik"]


def test_a_page_in_its_own_language_is_quiet(phrases):
    assert rt.untranslated_label_hits("Kode unit, Nilai IKM, Rata-rata, Baik, Kantor kelurahan", phrases["id"]) == []
    assert rt.untranslated_label_hits("Unit code, IKM score, Mean, Good, Urban village office", phrases["en"]) == []


def test_shared_proper_nouns_and_acronyms_never_fire(phrases):
    # TWFE is the same in both; "Callaway-Sant'Anna" and "IKM" are words of both languages' labels.
    text = "TWFE memberi -1,03 dibanding -0,97 dari Callaway-Sant'Anna; IKM wilayah 81,50."
    assert rt.untranslated_label_hits(text, phrases["id"]) == []
    en = "Plain TWFE gives -1.03 against -0.97 from Callaway-Sant'Anna; region IKM 81.50."
    assert rt.untranslated_label_hits(en, phrases["en"]) == []
    # ... but the English label that holds the name does fire, through its English word.
    assert texts(rt.untranslated_label_hits("dari Callaway-Sant'Anna estimator", phrases["id"])) == [
        "Callaway-Sant'Anna estimator"]


def test_single_words_only_as_written_and_long_enough(phrases):
    assert texts(rt.untranslated_label_hits("Mean: 3,2", phrases["id"])) == ["Mean"]
    assert rt.untranslated_label_hits("meaning", phrases["id"]) == []  # whole words only
    assert rt.untranslated_label_hits("Answer: ya", phrases["en"]) == []  # "ya": too short to tell


def test_phrases_match_across_case_and_line_breaks(phrases):
    assert texts(rt.untranslated_label_hits("unit\n   CODE", phrases["id"])) == ["unit\n   CODE"]


def test_placeholders_in_a_label_match_the_filled_value(phrases):
    text = "* suppressed: cell from fewer than 5 people."
    assert texts(rt.untranslated_label_hits(text, phrases["id"])) == [text]


def test_unit_names_are_proper_nouns(phrases):
    text = "Unit: Kantor Kelurahan Alak, Kecamatan Alak"
    assert texts(rt.untranslated_label_hits(text, phrases["en"])) == ["Kantor Kelurahan"]  # without names
    assert rt.untranslated_label_hits(text, phrases["en"], proper_nouns=UNITS) == []
    # the label itself, outside a name, still fires
    assert texts(rt.untranslated_label_hits("Type: Kantor kelurahan", phrases["en"], proper_nouns=UNITS)) == [
        "Kantor kelurahan"]


def test_a_name_broken_over_layout_lines_is_recognised_only_in_wrapped_text(phrases):
    # pdftotext -layout: a table cell "Kantor Kelurahan Alak" broken over two lines.
    text = "KEL-ALAK   Kantor Kelurahan   323   71.50\n           Alak\n"
    assert rt.untranslated_label_hits(text, phrases["en"], proper_nouns=UNITS, wrapped=True) == []
    assert texts(rt.untranslated_label_hits(text, phrases["en"], proper_nouns=UNITS)) == ["Kantor Kelurahan"]


def test_the_real_catalogue_never_flags_its_own_language():
    from mutasi_analysis.text import LABELS

    for lang in rt.LANGS:
        own = "\n".join(v[lang] for v in LABELS.values())
        hits = rt.untranslated_label_hits(own, rt.LabelPhrases(LABELS, lang))
        assert hits == [], f"{lang}: {[(h.text, h.detail) for h in hits]}"
        other = "en" if lang == "id" else "id"
        assert rt.untranslated_label_hits(LABELS["kode_unit"][other], rt.LabelPhrases(LABELS, lang)) != []


# ------------------------------------------------------------------------- all rules, HTML
@pytest.fixture(scope="module")
def rules():
    return rt.ReaderRules(catalogue=CATALOGUE, proper_nouns=UNITS)


PAGE = """<!DOCTYPE html><html lang="{lang}"><head><title>Dampak: Semester I 2026</title>
<style>.x_y {{ color: red }}</style><script>var share_rotated_in = 0.25;</script></head>
<body><main>
<h1>Dampak rotasi<a class="anchor-link" href="#x">¶</a></h1>
<p>Definisi: <code>share_rotated_in</code>, proporsi 0,25, <code>2026-11-30T06:22</code>.</p>
<p>Definisi: share_rotated_in, proporsi 0.25, dibuat 2026-11-30.</p>
<div hidden>min_years</div><div style="display: none">max_years</div>
<h2>Kesiapan</h2>
<table><tr><th>Kode unit</th><th>Belum siap (skor &lt;= 2)</th></tr>
<tr><td>Kantor Kelurahan Alak</td><td>IKM score</td></tr></table>
<svg><text>n_boot</text></svg>
<img src="data:image/svg+xml;base64,{svg}">
<section lang="en"><p>Reports in English: 0.97, Kode unit</p></section>
</main></body></html>"""


def page(lang="id"):
    import base64

    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"><text>0.5</text></svg>').decode()
    return PAGE.format(lang=lang, svg=svg)


def test_html_passages_are_the_visible_text_with_places():
    passages = rt.html_passages(page(), "id")
    joined = "\n".join(p.text for p in passages)
    for invisible in ("color: red", "var share_rotated_in", "¶", "min_years", "max_years"):
        assert invisible not in joined
    prose = [p for p in passages if not p.code]
    assert "Definisi: , proporsi 0,25, ." in " ".join(" ".join(p.text for p in prose).split())  # words kept apart
    assert [(p.place, p.text) for p in passages if p.code] == [
        ("<code> in <p> under 'Dampak rotasi'", "share_rotated_in"),
        ("<code> in <p> under 'Dampak rotasi'", "2026-11-30T06:22")]
    places = [p.place for p in passages]
    assert places[0] == "<title>" and "<h1> heading" in places
    assert "table 1 row 2 <td> under 'Kesiapan'" in places
    assert "figure 1 (SVG) text under 'Kesiapan'" in places
    assert "figure 2 (SVG image) text under 'Kesiapan'" in places
    assert {p.lang for p in passages if "Reports in English" in p.text} == {"en"}


def test_check_html_names_file_place_rule_and_text(tmp_path, rules):
    path = tmp_path / "03_dampak.html"
    path.write_text(page(), encoding="utf-8")
    found = {(v.place, v.rule.split(" (")[0], v.text) for v in rt.check_html(path, "id", rules)}
    assert found == {
        ("<code> in <p> under 'Dampak rotasi'", "ISO date or timestamp", "2026-11-30T06:22"),  # even in code
        ("<p> under 'Dampak rotasi'", "snake_case identifier", "share_rotated_in"),
        ("<p> under 'Dampak rotasi'", "decimal point in an Indonesian number", "0.25"),
        ("<p> under 'Dampak rotasi'", "ISO date or timestamp", "2026-11-30"),
        ("table 1 row 1 <th> under 'Kesiapan'", "'<=' or '>=' instead of '≤' or '≥'", "<="),
        ("table 1 row 2 <td> under 'Kesiapan'", "untranslated label", "IKM score"),
        ("figure 1 (SVG) text under 'Kesiapan'", "snake_case identifier", "n_boot"),
        ("figure 2 (SVG image) text under 'Kesiapan'", "decimal point in an Indonesian number", "0.5"),
        ("<p> under 'Kesiapan'", "untranslated label", "Kode unit"),  # the English section
    }
    line = str(rt.check_html(path, "id", rules)[0])
    assert line.startswith("03_dampak.html: ") and "'" in line


def test_html_must_declare_the_report_language():
    assert rt.html_lang_violations("a.html", page("id"), "id") == []
    [v] = rt.html_lang_violations("a.html", page("en"), "id")
    assert v.place == "<html lang>" and v.text == 'lang="en"'


def test_a_clean_page_has_no_violation(tmp_path, rules):
    path = tmp_path / "ok.html"
    path.write_text('<html lang="id"><head><title>Dampak: Semester I 2026</title></head><body>'
                    "<p>Proporsi 0,25 dari 5.280 responden, 1 Januari s.d. 30 Juni 2026 (skor ≤ 2); "
                    "definisi <code>share_rotated_in</code>, versi <code>0.1.0</code>.</p>"
                    "<table><tr><th>Kode unit</th></tr><tr><td>Kantor Kelurahan Alak</td></tr></table>"
                    "</body></html>", encoding="utf-8")
    assert rt.check_html(path, "id", rules) == []


# ------------------------------------------------------------------------------- workbook
@pytest.fixture
def workbook(tmp_path):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Keterangan"
    ws["A1"] = "Periode 2026-S1 (2026-01-01 - 2026-06-30)"
    ws["A2"] = "0,97"  # a number stored as text
    ws["A3"] = 0.97  # a number: fine
    ws["A4"] = "02_mutasi.json"
    ws["A5"] = "02_mutasi.json"
    ws["A5"].font = Font(name="Consolas")  # code formatting: allowed
    ws["A6"] = "0.1.0"
    ws["A7"] = "0.1.0"
    ws["A7"].font = Font(name="Courier New")
    ws["A8"] = dt.date(2026, 6, 30)
    ws["A8"].number_format = "yyyy-mm-dd"
    ws["A9"] = dt.date(2026, 6, 30)
    ws["A9"].number_format = "d mmmm yyyy"
    ws["A10"] = "< 0,001"
    ws["A12"] = "dibuat 2026-11-30T06:22"
    ws["A12"].font = Font(name="DejaVu Sans Mono")  # code, but an ISO date is never allowed
    ws["A11"] = "Setuju"
    wb.create_sheet("min_years")["A1"] = "Aturan"
    path = tmp_path / "tabel.xlsx"
    wb.save(path)
    return path


def test_workbook_strings_and_cells(workbook, rules):
    found = {(v.place, v.rule, v.text) for v in rt.check_workbook(workbook, "id", rules)}
    assert found == {
        ("sheet 'Keterangan' cell A1", "ISO date or timestamp", "2026-01-01"),
        ("sheet 'Keterangan' cell A1", "ISO date or timestamp", "2026-06-30"),
        ("sheet 'Keterangan' cell A2", "number stored as text", "0,97"),
        ("sheet 'Keterangan' cell A4", "snake_case identifier", "02_mutasi.json"),
        ("sheet 'Keterangan' cell A6", "decimal point in an Indonesian number", "0.1.0"),
        ("sheet 'Keterangan' cell A8", "date cell shown in ISO form", "2026-06-30 00:00:00"),
        ("sheet 'Keterangan' cell A10", "number stored as text", "< 0,001"),
        ("sheet 'Keterangan' cell A12", "ISO date or timestamp", "2026-11-30T06:22"),
        ("sheet name 'min_years'", "snake_case identifier", "min_years"),
    }


# ------------------------------------------------------------------------------------ PDF
@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    missing = [t for t in ("pdftotext", "pdftohtml") if shutil.which(t) is None]
    require(not missing, f"poppler-utils ({', '.join(missing)})", INSTALL_SYSTEM_DEPS)
    weasyprint = require_module("weasyprint", "writes the test PDF",
                                how_to_fix=f"pip install weasyprint; {INSTALL_SYSTEM_DEPS} (its Pango libraries)")
    path = tmp_path_factory.mktemp("reader_pdf") / "laporan.pdf"
    weasyprint.HTML(string=(
        "<html><head><style>@page { size: A4; margin: 22mm 18mm 20mm 18mm }"
        "body { font-family: 'DejaVu Sans' } code { font-family: 'DejaVu Sans Mono' }"
        "p.b { break-before: page }</style></head><body>"
        "<h1>Dampak</h1><p>Definisi share_rotated_in, proporsi 0.25.</p>"
        "<p class='b'>Parameter <code>n_boot = 199</code>, versi <code>0.1.0</code>, IKM score.</p>"
        "<p>Dibuat <code>2026-11-30</code>.</p>"
        "</body></html>")).write_pdf(path)
    return path


def test_pdf_code_fragments_are_the_monospaced_text(pdf):
    assert rt.pdf_code_fragments(pdf) == {2: ["n_boot = 199", "0.1.0", "2026-11-30"]}


def test_check_pdf_names_page_and_line_and_skips_code(pdf, rules):
    found = {(v.place, v.rule.split(" (")[0], v.text) for v in rt.check_pdf(pdf, "id", rules)}
    assert found == {
        ("page 1 line 2", "snake_case identifier", "share_rotated_in"),
        ("page 1 line 2", "decimal point in an Indonesian number", "0.25"),
        ("page 2 line 1", "untranslated label", "IKM score"),
        ("page 2 code", "ISO date or timestamp", "2026-11-30"),
    }


# ------------------------------------------------------------------------------ reporting
def test_format_violations_groups_by_rule():
    vs = [rt.Violation("a.html", "<p>", "snake_case identifier", "x_y"),
          rt.Violation("b.pdf", "page 2 line 1", "ISO date or timestamp", "2026-01-01", "dibuat 2026-01-01"),
          rt.Violation("a.html", "<td>", "untranslated label (LABELS['kode_unit'])", "Unit code")]
    out = rt.format_violations(vs)
    assert out.splitlines()[0] == "3 reader-text violation(s)"
    assert "== untranslated label: 1" in out and "== snake_case identifier: 1" in out
    assert "b.pdf: page 2 line 1: ISO date or timestamp: '2026-01-01' in 'dibuat 2026-01-01'" in out
    assert "… and 1 more" not in out
    assert "… and 1 more" in rt.format_violations(vs + [rt.Violation("c", "p", "snake_case identifier", "a_b")], limit=1)
