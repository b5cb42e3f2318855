"""``build_handover``: the one call the report pipeline makes for the hand-over files."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from mutasi_analysis.errors import MutasiError
from mutasi_analysis.reporting.handover import build_handover
from mutasi_analysis.reporting.manifest import read_manifest, write_json_atomic

from handover_project import PERIOD
from tests.conftest import INSTALL_SYSTEM_DEPS, require_module

WEASYPRINT_FIX = f"pip install weasyprint; {INSTALL_SYSTEM_DEPS} (its Pango libraries)"

pytestmark = [pytest.mark.render, pytest.mark.slow]


@pytest.fixture
def folder(rendered, tmp_path):
    copy = tmp_path / PERIOD
    shutil.copytree(rendered["folder"], copy)
    for stale in copy.glob("laporan-*.pdf"):
        stale.unlink()
    return copy


def test_workbook_always_pdf_on_request_and_stale_files_removed(folder):
    require_module("weasyprint", "writes the PDF", how_to_fix=WEASYPRINT_FIX)
    files = build_handover(folder, pdf=True, lang="en")
    assert files == {"xlsx": f"tabel-{PERIOD}.xlsx", "pdf": f"laporan-{PERIOD}.pdf"}
    assert (folder / files["pdf"]).read_bytes()[:5] == b"%PDF-"
    assert openpyxl.load_workbook(folder / files["xlsx"]).sheetnames[0] == "About"
    # A later run without --pdf: the old PDF would describe an older render, so it goes.
    assert build_handover(folder, pdf=False) == {"xlsx": f"tabel-{PERIOD}.xlsx"}
    assert not (folder / files["pdf"]).exists()
    assert openpyxl.load_workbook(folder / files["xlsx"]).sheetnames[0] == "Keterangan"


def test_no_tables_no_workbook(folder):
    (folder / f"tabel-{PERIOD}.xlsx").write_bytes(b"stale")
    for j in folder.glob("0*.json"):
        j.unlink()
    assert build_handover(folder, read_manifest(folder)) == {}
    assert not (folder / f"tabel-{PERIOD}.xlsx").exists()


def test_needs_a_manifest(tmp_path):
    with pytest.raises(MutasiError, match="manifest"):
        build_handover(tmp_path)


def test_a_broken_table_payload_is_a_clear_error(folder):
    import json

    path = folder / "04_kepuasan.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["results"]["tables"]["ikm_unit"]["rows"][0].append(1)  # one cell too many
    write_json_atomic(path, data)
    with pytest.raises(MutasiError, match=r"04_kepuasan\.json.*table 'ikm_unit': row 0"):
        build_handover(folder)


def test_handover_text_reads_inside_the_compressed_files(folder):
    from mutasi_analysis.reporting.handover import handover_text

    require_module("weasyprint", "writes the PDF", how_to_fix=WEASYPRINT_FIX)
    files = build_handover(folder, pdf=True)
    xlsx, pdf = folder / files["xlsx"], folder / files["pdf"]
    # A string the report shows: not findable in the raw bytes, found in the text.
    assert b"Rekomendasi" not in xlsx.read_bytes() and b"Kepuasan Masyarakat" not in pdf.read_bytes()
    assert "Rekomendasi" in handover_text(xlsx)
    assert "Indeks Kepuasan Masyarakat" in handover_text(pdf)
    assert "KEL-MANULAI2-WIDECHECK".replace("-", "") in handover_text(pdf).replace("-", "").replace("\n", "").replace(" ", "")
    with pytest.raises(ValueError, match="not a hand-over file"):
        handover_text(folder / "manifest.json")
