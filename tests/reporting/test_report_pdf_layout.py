"""Print layout of the PDF (issue 12, pages): what stays together, how tables are sized, and the
second layout of a section that would end on a nearly empty page.

The section pages are made the way a report makes them (nbconvert through ``export_html``, tables
through ``Narrator.table``'s ``html_table``), then cut into print blocks by ``pdf._section_body``.
"""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_notebook, new_output

from mutasi_analysis.reporting import pdf
from mutasi_analysis.reporting.html import export_html
from mutasi_analysis.reporting.notebook import html_table
from tests.conftest import require_module

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)).decode()


def _md(text):
    return new_output("display_data", data={"text/markdown": text, "text/plain": text})


def _table(frame):
    return new_output("display_data", data={"text/html": html_table(frame), "text/plain": "table"})


def _figure():
    return new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})


def _units(n):
    return pd.DataFrame({"Unit layanan": [f"Kantor Kelurahan {i}" for i in range(n)], "Nilai": [f"{80 + i},00" for i in range(n)]})


def _body(tmp_path, outputs):
    cell = new_code_cell("x", execution_count=1)
    cell.outputs = [_md("# Judul bagian"), *outputs]
    nb = new_notebook(cells=[cell])
    nb.metadata.kernelspec = {"name": "mutasi-analysis", "language": "python", "display_name": "x"}
    page = export_html(nb, tmp_path / "04_ikm.html")
    title, body, _ = pdf._section_body("04_ikm", page)
    assert title == "Judul bagian"
    return BeautifulSoup(body, "html.parser")


def _blocks(soup):
    return [b for b in soup.contents if getattr(b, "name", None)]



def _thin_endings(doc) -> set[str]:
    """Ids of the sections (``sec-*``) that span pages and end on a thin page (what the second
    layout pass repairs)."""
    pages = pdf._page_blocks(doc)
    return {p["section"] for n, p in enumerate(pages) if pdf._thin(p) and n > 0
            and pages[n - 1]["section"] == p["section"]
            and (n + 1 == len(pages) or pages[n + 1]["section"] != p["section"])}

def test_blocks_are_flat_and_kept_with_their_neighbours(tmp_path):
    soup = _body(tmp_path, [
        _md("**Unsur terlemah per unit**"), _table(_units(5)),
        _md("Kalimat pengantar gambar."), _figure(),
        _md("Paragraf panjang " * 40), _table(_units(17)),
        _figure(), _md("Satu kalimat penutup."),
    ])
    blocks = _blocks(soup)
    # Headings, introductions, tables and figures are siblings: the print rules can pair them.
    assert [b.name for b in blocks] == ["p", "table", "p", "div", "p", "table", "div", "p"]
    lead = [b for b in blocks if "lead" in b.get("class", [])]
    assert [b.get_text()[:20] for b in lead] == ["Unsur terlemah per u", "Kalimat pengantar ga", "Paragraf panjang Par"]
    assert "figure" in blocks[3]["class"] and blocks[3].img is not None
    # A short table stays whole; a long one may split (never leaving one row alone: CSS).
    assert "keep" in blocks[1]["class"] and "keep" not in blocks[5]["class"]
    # The section's last sentence and the figure before it stay with what precedes them.
    assert "tail" in blocks[7]["class"] and "tail" in blocks[6]["class"]
    assert "tail" not in blocks[5].get("class", [])


def test_a_table_too_wide_for_portrait_takes_its_introduction_to_a_landscape_page(tmp_path):
    wide = pd.DataFrame({f"Kolom {i}": [f"{i},5"] * 3 for i in range(14)})
    soup = _body(tmp_path, [_md("Tabel lebar berikut."), _table(wide), _md("Sesudahnya. " * 60)])
    blocks = _blocks(soup)
    assert blocks[0].name == "div" and blocks[0]["class"] == ["landscape"]
    assert [c.name for c in blocks[0].children if c.name] == ["p", "table"]
    assert "very-wide" in blocks[0].table["class"]


def test_a_table_of_words_gets_the_full_width_with_widths_from_its_content(tmp_path):
    frame = pd.DataFrame({
        "Unit layanan": ["Kantor Kelurahan Nunbaun Delha", "Puskesmas Alak"],
        "IKM periode sebelumnya": ["82,65", "80,46"],
        "Selisih IKM": ["-11,15", "-0,29"],
        "Unsur yang turun mutu": ["Persyaratan (B \u2192 C), Sistem, mekanisme, dan prosedur (B \u2192 C), "
                                  "Waktu penyelesaian (B \u2192 C), Biaya/tarif (B \u2192 C)", ""],
    })
    table = _blocks(_body(tmp_path, [_table(frame)]))[0]
    assert {"prose", "fixed"} <= set(table["class"]) and "keep" not in table["class"]
    widths = [float(re.search(r"([\d.]+)%", c["style"]).group(1)) for c in table.colgroup.find_all("col")]
    assert sum(widths) == pytest.approx(100, abs=0.5)
    assert widths[3] == max(widths)  # the long text gets the room
    # A number column is as wide as its header's longest word ("sebelumnya" > "Selisih"): no
    # header word is broken, and the text columns share the rest.
    assert widths[2] < widths[1] < widths[0] < widths[3]


def test_print_rules_right_align_numbers_and_never_break_a_header_word():
    css = pdf._CSS
    assert "th.num, td.num { text-align: right; }" in css
    assert "overflow-wrap: anywhere" not in css
    assert re.search(r"th \{ overflow-wrap: normal; word-break: normal; hyphens: manual;", css)
    assert "tbody tr:first-child { break-after: avoid; }" in css and "tbody tr:last-child { break-before: avoid; }" in css


def test_header_words_stay_whole_in_a_narrow_table():
    weasyprint = require_module("weasyprint", "lays out the PDF", how_to_fix="pip install weasyprint")
    head = "<tr><th>Unit layanan</th><th class='num'>IKM periode sebelumnya</th><th>Mutu periode sebelumnya</th>" \
           "<th>Unsur yang turun mutu</th></tr>"
    row = "<tr><td>Kantor Kelurahan Nunbaun Delha</td><td class='num'>82,65</td><td>B</td><td>" + \
          "Persyaratan (B \u2192 C), Waktu penyelesaian (B \u2192 C) " * 3 + "</td></tr>"
    table = BeautifulSoup(f"<table class='dataframe'><thead>{head}</thead><tbody>{row}</tbody></table>",
                          "html.parser").table
    pdf._size_table(table)
    doc = weasyprint.HTML(string=f"<style>{pdf._CSS % {'page': 'p', 'of': 'o'}}</style>{table}").render()
    words = {"Unit", "layanan", "IKM", "periode", "sebelumnya", "Mutu", "Unsur", "yang", "turun", "mutu"}
    texts = _header_texts(doc.pages[0]._page_box)
    assert texts and all(set(t.split()) <= words for t in texts), texts


def _header_texts(box, inside=False):
    from weasyprint.formatting_structure import boxes

    out = []
    inside = inside or getattr(box, "element_tag", None) == "th"
    if inside and isinstance(box, boxes.TextBox):
        out.append(box.text)
    for child in getattr(box, "children", []):
        out += _header_texts(child, inside)
    return out


def test_a_section_ending_on_a_nearly_empty_page_is_set_again_tighter():
    weasyprint = require_module("weasyprint", "lays out the PDF", how_to_fix="pip install weasyprint")
    css = pdf._CSS % {"page": "p", "of": "o"}
    line = "Kalimat laporan yang cukup panjang untuk mengisi satu baris. "

    def document(n):
        # n paragraphs of four lines, then a second section (which starts a page of its own).
        paragraphs = "".join(f"<p>{line * 4}</p>" for _ in range(n))
        return (f"<html><head><style>{css}</style></head><body>"
                f'<section class="part" id="sec-00_a"><h1>A</h1>{paragraphs}</section>'
                f'<section class="part" id="sec-01_b"><h1>B</h1><p>Bagian berikutnya.</p></section></body></html>')

    # The fewest paragraphs that spill a few lines of section A onto a second page.
    for n in range(8, 30):
        first = weasyprint.HTML(string=document(n)).render()
        if len(first.pages) == 3:
            break
    assert _thin_endings(first) == {"sec-00_a"}, pdf._page_blocks(first)
    again = pdf._render(weasyprint, document(n), "/nonexistent")
    assert len(again.pages) == 2 and _thin_endings(again) == set()
    # A section that fills its last page well is left as it is.
    full = weasyprint.HTML(string=document(n + 8)).render()
    assert _thin_endings(full) == set()


def _page(section, chars, blocks, figure=0.0):
    return {"section": section, "chars": chars, "figure": figure, "blocks": blocks}


def test_repairs_of_thin_pages():
    """The second layout's repairs, one per thin page (under 400 characters, no half-page figure)."""
    s = "sec-01_kualitas_data"
    # The last two rows of a split table and a small figure: keep the table whole instead.
    pages = [_page(s, 2500, [("01-0", "p", False), ("01-1", "table", False)]),
             _page(s, 160, [("01-1", "table", False), ("01-2", "div", False)], figure=0.38),
             _page("sec-02_mutasi", 900, [("02-0", "p", False)])]
    assert pdf._repairs(pages) == {"01-1": "whole"}
    # A title, a sentence and a figure, with the next table kept whole on the next page: split it.
    pages = [_page(s, 117, [("02-0", "p", False), ("02-1", "div", False)], figure=0.45),
             _page(s, 1500, [("02-2", "p", False), ("02-3", "table", True), ("02-4", "p", False)])]
    assert pdf._repairs(pages) == {"02-3": "split"}
    # A section ending on a few lines: set it tighter.
    pages = [_page(s, 4000, [("00-0", "table", False)]), _page(s, 250, [("00-1", "p", False)]),
             _page("sec-01_b", 3000, [("01-0", "p", False)])]
    assert pdf._repairs(pages) == {s: "tight"}
    # A page given to a figure, the front matter and well-filled pages need nothing.
    pages = [_page(None, 120, []), _page(s, 3000, [("01-0", "p", False)]),
             _page(s, 90, [("01-1", "div", False)], figure=0.7)]
    assert pdf._repairs(pages) == {}


def test_a_table_whose_last_rows_fall_alone_is_kept_whole_in_the_second_layout():
    weasyprint = require_module("weasyprint", "lays out the PDF", how_to_fix="pip install weasyprint")
    css = pdf._CSS % {"page": "p", "of": "o"}
    rows = "".join(f"<tr><td>Kantor Kelurahan {i}</td><td class='num'>{i}</td></tr>" for i in range(16))
    line = "Kalimat laporan yang cukup panjang untuk mengisi satu baris. "

    def document(n):
        paragraphs = "".join(f'<p data-block="a-{i}">{line * 4}</p>' for i in range(n))
        return (f"<html><head><style>{css}</style></head><body>"
                f'<section class="part" id="sec-00_a"><h1>A</h1>{paragraphs}'
                f'<table class="dataframe" data-block="a-t"><thead><tr><th>Unit</th><th class="num">N</th></tr>'
                f'</thead><tbody>{rows}</tbody></table></section></body></html>')

    for n in range(8, 30):  # the fewest paragraphs that push the table's last rows over the page
        first = weasyprint.HTML(string=document(n)).render()
        pages = pdf._page_blocks(first)
        if len(pages) == 2 and pages[1]["blocks"] and pages[1]["blocks"][0][0] == "a-t":
            break
    assert pdf._repairs(pages) == {"a-t": "whole"}, pages
    again = pdf._page_blocks(pdf._render(weasyprint, document(n), "/nonexistent"))
    assert [b for b, _, _ in again[1]["blocks"]] == ["a-t"] and "a-t" not in {b for b, _, _ in again[0]["blocks"]}
