"""``laporan-<P>.pdf`` seen as a reader sees it: pages turned into images with pdftoppm, the
text layer read with pdftotext, bookmarks and images listed by poppler (an independent reader
of what WeasyPrint wrote)."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess

import numpy as np
import pytest

from mutasi_analysis.errors import MutasiError
from mutasi_analysis.reporting.pdf import build_pdf, report_html
from mutasi_analysis.text import fmt_date

from handover_project import PERIOD, SECTION_TITLES
from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module

pytestmark = [pytest.mark.render, pytest.mark.slow]

POPPLER = ("pdftoppm", "pdftotext", "pdfinfo", "pdfimages", "pdftohtml")


@pytest.fixture(scope="module", autouse=True)
def pdf_tools():
    """poppler-utils (the independent reader) and a WeasyPrint that can load Pango."""
    missing = [t for t in POPPLER if shutil.which(t) is None]
    require(not missing, f"poppler-utils ({', '.join(missing)})", INSTALL_SYSTEM_DEPS)
    require_module("weasyprint", "writes the PDF",
                   how_to_fix=f"pip install weasyprint; {INSTALL_SYSTEM_DEPS} (its Pango libraries)")

APPENDIX = {"id": ["Lampiran A. Metode", "Lampiran B. Cakupan data", "Lampiran C. Asal-usul laporan"],
            "en": ["Appendix A. Method", "Appendix B. Data coverage", "Appendix C. Provenance"]}
# Reading order: the executive summary first, then the sections by number.
ORDER = ["00_ikhtisar", "02_rotasi", "03_dampak", "04_kepuasan"]


def _run(*cmd) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout


def _page_text(pdf, page: int) -> str:
    return _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")


@pytest.fixture(scope="module")
def pdf(rendered, tmp_path_factory):
    path = build_pdf(rendered["folder"], lang="id")
    pages = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(path)), re.M).group(1))
    out = tmp_path_factory.mktemp("pdf_pages")
    _run("pdftoppm", "-r", "40", "-gray", "-png", str(path), str(out / "p"))
    images = sorted(out.glob("p-*.png"))
    texts = [_page_text(path, i) for i in range(1, pages + 1)]
    return {"path": path, "pages": pages, "images": images, "texts": texts}


def test_written_beside_the_report_with_a_page_per_part(rendered, pdf):
    assert pdf["path"] == rendered["folder"] / f"laporan-{PERIOD}.pdf"
    # cover + contents + one page at least per section + three appendix parts
    assert pdf["pages"] >= 2 + len(ORDER) + 3
    assert len(pdf["images"]) == pdf["pages"]


def test_cover_names_region_period_date_and_version(rendered, pdf):
    m = rendered["manifest"]
    cover = pdf["texts"][0]
    assert "Laporan Evaluasi Mutasi ASN" in cover
    assert m["region"]["name"] in cover
    # Period and dates in words (Babel, id_ID), never the ISO form of the manifest.
    assert "Semester I 2026 (1 Januari 2026 \u2013 30 Juni 2026)" in cover
    assert fmt_date(m["ended"], "id") in cover and m["ended"][:10] not in cover
    assert m["packages"]["mutasi-analysis"] in cover


def test_contents_page_numbers_point_at_the_sections(pdf):
    toc = dict(
        (title.strip(), int(n))
        for title, n in re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", pdf["texts"][1], re.M)
    )
    titles = [SECTION_TITLES[n] for n in ORDER] + APPENDIX["id"]
    assert [t for t in toc if t in titles] == titles, "summary first, then sections, then appendix"
    for title in titles:
        page = pdf["texts"][toc[title] - 1]
        body = [ln.strip() for ln in page.splitlines() if ln.strip()]
        # line 0 is the running header (region, period); the section heading comes next
        assert body[1] == title, f"contents say {title!r} is on page {toc[title]}, found {body[:3]}"
    # Sub-headings are listed too, after their section, with their own page.
    sub = toc["Unsur terlemah"]
    assert sub >= toc[SECTION_TITLES["04_kepuasan"]]
    assert "Unsur terlemah" in [ln.strip() for ln in pdf["texts"][sub - 1].splitlines()]


def test_pages_are_numbered_and_carry_region_and_period(rendered, pdf):
    n = pdf["pages"]
    for i, text in enumerate(pdf["texts"][1:], start=2):
        assert f"Halaman {i} dari {n}" in text
        assert rendered["manifest"]["region"]["name"] in text and "Semester I 2026" in text
    assert "Halaman 1 dari" not in pdf["texts"][0]  # the cover is not numbered


def test_bookmarks_follow_the_sections(pdf):
    xml = _run("pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf["path"]))
    items = re.findall(r'<item page="(\d+)">([^<]+)</item>', xml)
    top = [t for _, t in items]
    for title in [SECTION_TITLES[n] for n in ORDER] + APPENDIX["id"]:
        assert title in top
    assert "Daftar Isi" not in top and "Laporan Evaluasi Mutasi ASN" not in top
    pages = {t: int(p) for p, t in items}
    assert pages[SECTION_TITLES["00_ikhtisar"]] == 3


def test_no_page_is_blank(pdf):
    for img in pdf["images"]:
        from PIL import Image

        a = np.asarray(Image.open(img).convert("L"), dtype=float)
        h = a.shape[0]
        body = a[int(h * 0.09): int(h * 0.91)]  # without the running header and the page number
        ink = (body < 200).mean()
        # A line of text is ~0.1% of the body; an empty page (only header/footer) is 0.
        assert ink > 0.0005, f"{img.name}: only {ink:.4%} of the page body is printed"
    for i, text in enumerate(pdf["texts"], start=1):
        lines = [ln for ln in text.splitlines() if ln.strip()]
        content = lines if i == 1 else lines[1:-1]  # without the running header and page number
        assert content, f"page {i} has no text besides its header and page number"


def test_no_code_and_no_notebook_noise_in_the_text(pdf):
    text = "\n".join(pdf["texts"])
    for marker in ("import ", "table_payload", "read_records(", "cfg = load_config", "PosixPath", "In [", "¶"):
        assert marker not in text


def test_figures_are_crisp(pdf):
    listing = _run("pdfimages", "-list", str(pdf["path"])).splitlines()[2:]
    rasters = [ln.split() for ln in listing if ln.split()[2] == "image"]
    assert rasters, "the rotation figure (retina PNG) must be embedded"
    for cols in rasters:
        assert int(cols[12]) >= 150 and int(cols[13]) >= 150, f"image at {cols[12]}x{cols[13]} ppi: {cols}"
    # The event study is SVG: drawn as vectors (no raster image on its page), yet printed.
    page = next(i for i, t in enumerate(pdf["texts"], start=1)
                if re.search(rf"^\s*{SECTION_TITLES['03_dampak']}\s*$", t, re.M))
    assert page not in {int(cols[0]) for cols in rasters}
    from PIL import Image

    a = np.asarray(Image.open(pdf["images"][page - 1]).convert("L"), dtype=float)
    assert (a < 200).mean() > 0.02, "the vector figure must be drawn on its page"


def test_nothing_is_printed_outside_the_page(pdf):
    # Word boxes from poppler: a table wider than the page would run past its right edge.
    xml = _run("pdftotext", "-bbox", str(pdf["path"]), "-")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S)
    assert len(pages) == pdf["pages"]
    landscape = []
    for i, (w, h, body) in enumerate(pages, start=1):
        right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', body))
        assert right <= float(w) - 20, f"page {i}: text reaches x={right} on a page {w} wide"
        if float(w) > float(h):
            landscape.append(i)
    # The 16-column table of the IKM section gets a landscape page of its own, whole.
    assert len(landscape) == 1
    text = pdf["texts"][landscape[0] - 1]
    assert "KEL-MANULAI2-WIDECHECK" in text.replace(" ", "").replace("\n", "") or "WIDECHECK" in text
    assert text.count("nomor") == 15 and "3.90" in text  # every column, to the last value
    assert "Unsur terlemah" not in text  # the rest of the section goes on in portrait


def test_appendix_carries_the_provenance(rendered, pdf):
    m = rendered["manifest"]
    text = "\n".join(pdf["texts"][-3:])
    assert m["git"]["commit"] in text.replace("\n", "").replace(" ", "")
    assert m["code_sha256"][:20] in text.replace("\n", "").replace(" ", "")
    for name in ORDER:
        assert name in text
    for digest in m["inputs"].values():
        assert digest[:20] in text.replace("\n", "").replace(" ", "")
    assert "Parallel" not in text and "tren" in text  # method in Indonesian


def test_english_front_matter(rendered, tmp_path):
    folder = tmp_path / PERIOD
    shutil.copytree(rendered["folder"], folder)
    path = build_pdf(folder, lang="en")
    first, second = _page_text(path, 1), _page_text(path, 2)
    assert "Civil-Servant Rotation Evaluation Report" in " ".join(first.split()) and "Report date" in first
    assert "Contents" in second and "Page 2 of" in second
    assert "Appendix C. Provenance" in second


def test_failed_sections_are_named_on_the_cover(rendered):
    m = copy.deepcopy(rendered["manifest"])
    m["notebooks"]["04_kepuasan"]["status"] = "failed"
    m["failed"] = ["04_kepuasan"]
    doc = report_html(rendered["folder"], m)
    assert "gagal dibuat" in doc and "04_kepuasan" in doc
    assert SECTION_TITLES["04_kepuasan"] not in doc


def test_bad_input(tmp_path):
    with pytest.raises(MutasiError, match="manifest"):
        build_pdf(tmp_path)
    with pytest.raises(ValueError, match="lang"):
        report_html(tmp_path, {"notebooks": {}}, lang="fr")
    with pytest.raises(MutasiError, match="no section"):
        report_html(tmp_path, {"period": PERIOD, "notebooks": {"01_a": {"status": "failed"}}})


def test_same_report_gives_the_same_pdf(rendered, pdf, tmp_path):
    import hashlib

    folder = tmp_path / PERIOD
    shutil.copytree(rendered["folder"], folder)
    again = build_pdf(folder, lang="id")
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(again) == digest(pdf["path"])
