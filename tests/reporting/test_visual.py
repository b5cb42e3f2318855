"""The visual and PDF page checks of issue 12 (visual.py) on hand-made inputs: the pure
helpers on arrays and strings, then negative controls in Chromium and in a WeasyPrint PDF,
so that a passing check on the real report (test_report_notebooks.py) means something.
"""

from __future__ import annotations

import base64
import io
import shutil

import numpy as np
import pytest

import visual
from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module


# ------------------------------------------------------------------------------ blank bands
def _page(rows: int, printed: list[int], width: int = 50) -> np.ndarray:
    """A white page with a line of 'text' (alternating pixels) on the given rows."""
    a = np.full((rows, width), 255.0)
    for r in printed:
        a[r, ::2] = 0
    return a


def test_a_long_uniform_run_inside_the_content_is_a_band():
    a = _page(1000, [10, 11, 12, 400, 401])
    assert visual.blank_bands(a, min_px=200) == [(13, 400)]


def test_designed_spacing_and_page_margins_are_not_bands():
    a = _page(1000, [300, 301, 450, 451])  # 299 blank rows above, 548 below: margins
    assert visual.blank_bands(a, min_px=200) == []
    assert visual.blank_bands(_page(600, [10, 160, 310, 460]), min_px=200) == []  # gaps of 149
    assert visual.blank_bands(np.full((500, 50), 255.0)) == []  # nothing printed at all


def test_a_band_may_be_any_colour_and_tolerates_rounding():
    a = _page(700, [0, 699])
    a[1:699] = 240
    a[300, 5] = 242  # within UNIFORM_LEVELS
    assert visual.blank_bands(a, min_px=200, levels=2) == [(1, 699)]
    a[300, 5] = 230  # a faint rule splits it
    assert visual.blank_bands(a, min_px=200, levels=2) == [(1, 300), (301, 699)]


# ---------------------------------------------------------------------------- PDF pages
SENTENCE = "Tren antar periode tampil setelah lebih dari satu periode dilaporkan."
FULL = " ".join([SENTENCE] * 10)


def test_cover_is_not_checked():
    assert visual.page_problems(1, "", [], 0.0) == []


def test_a_page_with_one_sentence_is_reported_unless_it_is_a_full_page_figure():
    [msg] = visual.page_problems(4, SENTENCE, [], 0.02)
    assert msg.startswith(f"page 4 holds only {len(SENTENCE)} characters of text")
    assert visual.page_problems(6, "", [], 0.26) != []  # a quarter-page figure stranded on a page
    assert visual.page_problems(6, "", [], 0.55) == []  # a full-page figure
    assert visual.page_problems(5, FULL, [], 0.4) == []


def test_a_page_holding_only_a_heading():
    [msg] = visual.page_problems(7, "Kesiapan menurut\n   kelompok\n", ["Kesiapan menurut kelompok"], 0.05)
    assert "holds only a heading" in msg
    assert visual.page_problems(7, "Kesiapan menurut kelompok", ["Kesiapan menurut kelompok"], 0.7) == []


def test_a_page_ending_on_a_heading():
    problems = visual.page_problems(8, FULL + "\n\n Unsur terlemah\n", ["Unsur terlemah"], 0.9)
    assert problems == ["page 8 ends with the heading 'Unsur terlemah'; its text starts on the next page"]
    assert visual.page_problems(8, "Unsur terlemah\n" + FULL, ["Unsur terlemah"], 0.9) == []


# ------------------------------------------------------------------- Chromium, negative control


def _png(width: int, height: int, flat: bool) -> str:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    if not flat:
        draw = ImageDraw.Draw(img)
        for x in range(0, width, 12):
            draw.rectangle([x, height // 3, x + 6, height - 5], fill="navy")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _html(body: str) -> str:
    return ("<!DOCTYPE html><html lang='id'><head><style>main { width: 900px; margin: 0 auto }"
            "p { margin: 14px 0 }</style></head><body><main>" + body + "</main></body></html>")


GOOD = ("<h1>Dampak</h1><p>Teks pembuka.</p>" + "<p>Baris laporan.</p>" * 5
        + f"<img src='{_png(400, 200, flat=False)}'><p>Penutup.</p>")


@pytest.mark.slow
def test_a_clean_page_passes_and_its_screenshot_is_kept(chromium, tmp_path, monkeypatch):
    page = tmp_path / "good.html"
    page.write_text(_html(GOOD), encoding="utf-8")
    artifacts = tmp_path / "artifacts"
    monkeypatch.setenv(visual.ARTIFACTS_ENV, str(artifacts))
    assert visual.section_page_problems(chromium, page, tmp_path / "shots" / "good.png", "id-good") == []
    assert (tmp_path / "shots" / "good.png").stat().st_size > 1000
    assert (artifacts / "id-good.png").read_bytes() == (tmp_path / "shots" / "good.png").read_bytes()


@pytest.mark.slow
def test_the_checks_catch_overflow_blank_bands_and_blank_figures(chromium, tmp_path):
    cells = "".join(f"<td>kolom {i}</td>" for i in range(60))
    bad = (f"<h1>Dampak</h1><p>Teks.</p><div style='overflow-x: auto'><table><tr>{cells}</tr></table></div>"
           "<h2>Kesiapan</h2><p>Sebelum celah.</p><div style='height: 400px'></div><p>Sesudah celah.</p>"
           f"<img src='{_png(300, 150, flat=True)}'>"
           "<div style='width: 2000px'>Teks yang terlalu lebar.</div>")
    page = tmp_path / "bad.html"
    page.write_text(_html(bad), encoding="utf-8")
    problems = visual.section_page_problems(chromium, page, tmp_path / "bad.png", "id-bad")
    text = "\n".join(problems)
    assert all(p.startswith("id-bad: ") for p in problems)
    assert "the page is" in text and "scrolls sideways" in text  # the 2000px div
    assert "table 1 under 'Dampak'" in text and "px container" in text
    assert "blank band of" in text and "under 'Kesiapan'" in text
    assert "figure 1 (img) is blank" in text


# -------------------------------------------------------------------- PDF, negative control
@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    missing = [t for t in ("pdftotext", "pdftohtml", "pdfinfo", "pdftoppm") if shutil.which(t) is None]
    require(not missing, f"poppler-utils ({', '.join(missing)})", INSTALL_SYSTEM_DEPS)
    weasyprint = require_module("weasyprint", "writes the test PDF",
                                how_to_fix=f"pip install weasyprint; {INSTALL_SYSTEM_DEPS} (its Pango libraries)")
    para = "<p>" + FULL + "</p>"
    figure = ("<svg width='170mm' height='180mm' viewBox='0 0 170 180'>"
              "<rect x='0' y='0' width='170' height='180' fill='none' stroke='black'/>"
              "<rect x='20' y='40' width='30' height='130' fill='black'/></svg>")
    html = ("<html><head><style>@page { size: A4; margin: 22mm 18mm 20mm 18mm;"
            " @top-left { content: 'Kecamatan Contoh' } @bottom-center { content: 'Halaman ' counter(page) } }"
            "@page :first { @top-left { content: none } @bottom-center { content: none } }"
            "body { font-family: 'DejaVu Sans'; font-size: 10pt } .b { break-before: page }</style></head><body>"
            "<div>Sampul</div>"  # 1: the cover
            f"<h1 class='b'>Bagian penuh</h1>{para * 4}"  # 2: a full page of text
            f"<p class='b'>{SENTENCE}</p>"  # 3: one sentence
            "<h1 class='b'>Judul sendirian</h1>"  # 4: only a heading
            f"<div class='b'>{figure}</div>"  # 5: a full-page figure
            f"<h1 class='b'>Bagian akhir</h1>{para * 2}</body></html>")  # 6: text
    path = tmp_path_factory.mktemp("visual_pdf") / "laporan.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    return path


@pytest.mark.slow
def test_pdf_page_checks_catch_a_lone_sentence_and_a_lone_heading(pdf, tmp_path):
    problems = visual.pdf_page_problems(pdf, tmp_path / "pages")
    assert [p.split(": ", 1)[1].split(" ")[1] for p in problems] == ["3", "4"], problems
    assert f"holds only {len(SENTENCE)} characters of text" in problems[0]
    assert "holds only a heading ('Judul sendirian')" in problems[1]


@pytest.mark.slow
def test_pdf_body_text_leaves_out_header_and_page_number(pdf):
    texts = visual.pdf_body_texts(pdf)
    assert len(texts) == 6
    assert "Kecamatan Contoh" not in texts[1] and "Halaman" not in texts[1]
    assert texts[1].split()[0] == "Bagian"  # the first line of the body is kept
    assert visual.pdf_outline(pdf)[4] == ["Judul sendirian"]


def test_work_lists_are_kept_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(visual.ARTIFACTS_ENV, raising=False)
    assert visual.keep_artifact_text("reader-text-id", "x") is None
    monkeypatch.setenv(visual.ARTIFACTS_ENV, str(tmp_path / "ci"))
    assert visual.keep_artifact_text("reader-text-id", "2 violations").read_text(encoding="utf-8") == "2 violations\n"
