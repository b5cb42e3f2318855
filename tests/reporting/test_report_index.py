"""``reports/index.html``: every period, headline numbers side by side, from recorded JSON."""

from __future__ import annotations

import re

from mutasi_analysis.record import record
from mutasi_analysis.reporting.html import external_references
from mutasi_analysis.reporting.index import headline_rows, write_index
from mutasi_analysis.reporting.manifest import write_json_atomic


def _period(reports, period, ikm, status="ok"):
    folder = reports / period
    folder.mkdir(parents=True)
    # Researchers' own sections (SectionRecord): a title from the render, headline numbers.
    record("14_kepuasan", {"period": period, "headline": {"ikm": {"label": "IKM kecamatan", "value": ikm}},
                           "other": 1}, folder=folder)
    record("12_mutasi", {"period": period, "headline": {"Mutasi antar unit": 12 if period.endswith("2") else 9}},
           folder=folder)
    (folder / "14_kepuasan.html").write_text("<html></html>")
    write_json_atomic(folder / "manifest.json", {
        "schema": 1, "period": period, "status": status, "failed": [] if status == "ok" else ["14_kepuasan"],
        "region": {"name": "Kecamatan Contoh"}, "ended": "2026-07-02T01:02:03",
        "git": {"commit": "a" * 40, "dirty": True},
        "notebooks": {"14_kepuasan": {"status": status, "files": {"html": "14_kepuasan.html"},
                                      "title": "Kepuasan masyarakat (IKM)"}},
        "exports": {"handover": {"status": "ok", "files": {"pdf": f"laporan-{period}.pdf", "xlsx": f"tabel-{period}.xlsx"}},
                    "other": {"status": "failed", "files": {"file": "x.csv"}}},
    })


def test_index_shows_every_period_side_by_side(tmp_path):
    reports = tmp_path / "reports"
    _period(reports, "2025-S2", 80.5)
    _period(reports, "2026-S1", 82.41, status="failed")
    (reports / "_failed" / "2026-S1").mkdir(parents=True)       # not a report
    (reports / ".tmp-2026-S1-x").mkdir()                       # not a report
    periods, rows = headline_rows(reports)
    assert periods == ["2025-S2", "2026-S1"]
    by_label = {r["label"]: r["values"] for r in rows}
    assert by_label == {"IKM kecamatan": {"2025-S2": 80.5, "2026-S1": 82.41},
                        "Mutasi antar unit": {"2025-S2": 12, "2026-S1": 9}}
    page = write_index(reports).read_text(encoding="utf-8")
    row = re.search(r"<tr><td>Kepuasan masyarakat \(IKM\)</td><td>IKM kecamatan</td>(.*?)</tr>", page).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["80,50", "82,41"]
    assert 'href="2026-S1/14_kepuasan.html">Kepuasan masyarakat (IKM)</a>' in page and 'href="2025-S2/manifest.json"' in page
    assert 'href="2026-S1/laporan-2026-S1.pdf">PDF</a>' in page and 'href="2026-S1/tabel-2026-S1.xlsx">XLSX</a>' in page
    assert "x.csv" not in page
    assert 'class="failed">gagal' in page and "Kecamatan Contoh" in page
    assert "<th>Semester II 2025</th>" in page and "<th>2025-S2</th>" not in page  # periods in words
    assert "_failed" not in page and ".tmp-" not in page
    assert external_references(page) == []


def test_index_of_an_empty_reports_folder(tmp_path):
    page = write_index(tmp_path / "reports").read_text(encoding="utf-8")
    assert "<table>" not in page and "Angka utama" not in page


def test_each_language_has_its_own_table_and_numbers(tmp_path):
    reports = tmp_path / "reports"
    _period(reports, "2026-S1", 82.41)
    _period(reports / "en", "2026-S1", 82.41)
    page = write_index(reports).read_text(encoding="utf-8")
    id_part, en_part = page.split('id="lang-id"')[1].split('id="lang-en"')
    assert 'href="2026-S1/14_kepuasan.html"' in id_part and "82,41" in id_part and "en/2026-S1" not in id_part
    assert 'href="en/2026-S1/14_kepuasan.html"' in en_part and "82.41" in en_part and "82,41" not in en_part
    assert headline_rows(reports)[0] == ["2026-S1"]  # the English folder is no period


def test_index_flags_a_failed_later_attempt(tmp_path):
    reports = tmp_path / "reports"
    _period(reports, "2026-S1", 82.41)
    (reports / "_failed" / "2026-S1").mkdir(parents=True)
    write_json_atomic(reports / "_failed" / "2026-S1" / "manifest.json", {
        "schema": 1, "period": "2026-S1", "status": "failed", "failed": ["03_dampak_layanan"],
        "ended": "2026-07-03T04:05:06", "notebooks": {}})
    page = write_index(reports).read_text(encoding="utf-8")
    assert 'href="_failed/2026-S1/manifest.json"' in page
    # the failed section by its title and the attempt's time in words, not file names and ISO
    assert "percobaan 3 Juli 2026 pukul 04.05 UTC gagal: Dampak" in page and "03_dampak_layanan" not in page
    row = re.search(r"<tr><td>Kepuasan masyarakat \(IKM\)</td><td>IKM kecamatan</td>(.*?)</tr>", page).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["82,41"]  # the kept report's numbers
