"""The pooled report of many regions (``notebooks/gabungan/``), rendered as ``mutasi batch`` renders it.

The pooled inputs folder is built as the batch builds it (``write_demo_regions`` with three
regions, ``ingest`` and ``pooled.region_part`` per region, ``pooled.write_pooled_inputs``) once per
test run by ``tests/conftest.py::pooled_demo`` (tests/test_pooled.py reads the same); the module
fixture renders the pooled section from it with the report pipeline, in
Indonesian (with the workbook and, when the PDF engine is installed, the PDF) and in English
(workbook only). Checks: the record follows :class:`~mutasi_analysis.sections.PooledRecord`;
its pooled ATT is :func:`mutasi_analysis.pooled.analyse_pooled` on the same folder (oracle: the
package's own function, called here); the pages name the regions; the hand-over workbook has the
pooled sheets; nothing under ``reports/`` holds a pid, NIP, name or birth date.

Runtime: about 15 s for the demo regions and 10 s for their ingestion and parts (when this file
makes them), 15 to 20 s per language rendered (the region-clustered wild bootstrap draws are cut to 99).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

import pytest

from mutasi_analysis import pooled
from mutasi_analysis.record import read_section
from mutasi_analysis.reporting.pipeline import run_report
from mutasi_analysis.sections import PooledRecord, model_for

from report_helpers import REPO

PERIOD = "2026-S1"
TODAY = dt.date(2026, 11, 28)
N_REGIONS = 3
SEED = 1
N_BOOT = 99
SECTION = "01_gabungan"
SHEETS = ("gabungan_wilayah", "gabungan_att", "gabungan_studi_peristiwa", "gabungan_ikm", "gabungan_kepatuhan",
          "gabungan_efek")

#: A figure embedded in a page (``data:image/png;base64,...``) or a notebook (``"image/png": "..."``).
IMAGE_DATA = re.compile(r'(?:data:image/[a-z+]+;base64,|"image/png": ")[A-Za-z0-9+/=\\n]{200,}')

pytestmark = [pytest.mark.render, pytest.mark.slow]


@pytest.fixture(scope="module")
def pooled_report(tmp_path_factory):
    """The pooled inputs of tests/conftest.py's shared demo regions (made once per run, as the
    batch makes them), rendered here in both languages into this module's own reports folder."""
    from mutasi_analysis.project import POOLED_CODE
    from mutasi_analysis.reporting.handover import build_handover
    from mutasi_analysis.reporting.pdf import pdf_engine_problem

    from ..conftest import pooled_demo, shared_folder

    demo = pooled_demo(shared_folder(tmp_path_factory), N_REGIONS, SEED, PERIOD)
    root = tmp_path_factory.mktemp("pooled_report")
    folder = demo["out"]
    reports = root / "reports" / POOLED_CODE
    pdf = pdf_engine_problem() is None
    lines: list[str] = []
    outcomes = {}
    for lang in ("id", "en"):
        want_pdf = pdf and lang == "id"
        outcomes[lang] = run_report(
            PERIOD, region=folder / "region.toml", processed=folder, reports=reports,
            notebooks=REPO / "notebooks" / "gabungan", restricted=root / "restricted", lang=lang,
            parameters={"n_boot": N_BOOT}, today=TODAY, out=lines.append,
            exports={"handover": lambda f, lang, p=want_pdf: build_handover(f, lang=lang, pdf=p)})
    yield {"root": root, "folder": folder, "reports": reports, "outcomes": outcomes, "raws": demo["raws"],
           "processed": demo["processed"], "parts": demo["parts"], "pdf": pdf, "log": "\n".join(lines)}


def _record(report, lang: str) -> dict:
    """The section's results as written (the file wraps them with the notebook name and schema)."""
    doc = json.loads((report["outcomes"][lang].folder / f"{SECTION}.json").read_text(encoding="utf-8"))
    assert doc["notebook"] == SECTION
    return doc["results"]


def test_both_languages_render_without_failure(pooled_report):
    for lang, outcome in pooled_report["outcomes"].items():
        assert not outcome.failures, (lang, outcome.failures, pooled_report["log"])
        assert outcome.folder.name == PERIOD and outcome.folder.is_relative_to(pooled_report["reports"])


def test_record_follows_the_model_and_its_att_is_the_pooled_analysis(pooled_report):
    assert model_for(SECTION) is PooledRecord
    expected = pooled.analyse_pooled(pooled_report["folder"], n_boot=N_BOOT, seed=20260701)
    facts = expected.facts()
    for lang in ("id", "en"):
        rec = read_section(pooled_report["outcomes"][lang].folder / f"{SECTION}.json")
        assert type(rec) is PooledRecord
        PooledRecord.model_validate(_record(pooled_report, lang))
        assert rec.lang == lang and rec.period == PERIOD
        assert rec.regions == [p.code for p in pooled_report["parts"]] and rec.n_regions == N_REGIONS
        assert rec.att == pytest.approx(facts["att"], rel=1e-9, abs=1e-12)
        assert rec.conf_low == pytest.approx(facts["conf_low_office"], rel=1e-9)
        assert rec.conf_high == pytest.approx(facts["conf_high_office"], rel=1e-9)
        assert rec.conf_low_region == pytest.approx(facts["conf_low_region"], rel=1e-9)
        assert rec.conf_high_region == pytest.approx(facts["conf_high_region"], rel=1e-9)
        assert rec.tau2 == pytest.approx(facts["tau2"], rel=1e-9, abs=1e-12)
        assert rec.headline["att"].value == pytest.approx(rec.att)
        # the effect by region: one row per region, shrunken values inside the raw spread's hull or
        # given the random-effects mean; not-estimated regions are listed with a known reason
        assert [r["kode_wilayah"] for r in rec.by_region] == rec.regions
        assert set(rec.not_estimated.values()) <= set(pooled.NOT_ESTIMATED_REASONS)
        assert rec.window["months"] > 12 and rec.window["start"] <= rec.window["end"]
        # results carry codes, never words: the same numbers in both languages
    a, b = _record(pooled_report, "id"), _record(pooled_report, "en")
    for key in ("att", "conf_low", "conf_high", "by_region", "league_ikm", "league_kepatuhan", "inference"):
        assert a[key] == b[key], key


def test_league_tables_suppress_small_regions(pooled_report):
    rec = _record(pooled_report, "id")
    k = rec["min_cell_size"]
    for row in rec["league_ikm"]:
        if row["n_responden"] is not None and 0 < row["n_responden"] < k:
            pytest.fail(f"a count below {k} is shown: {row}")
        if row["n_responden"] is None:  # hidden: so is its value unless it was hidden only to protect another
            assert row["rank"] is None or row["ikm"] is not None
    for row in rec["league_kepatuhan"]:
        assert row["n_mutasi"] is None or not 0 < row["n_mutasi"] < k
        assert (row["rank"] is None) == (row["share_patuh"] is None)


def test_pages_name_the_regions_and_the_pooled_title(pooled_report):
    names = [p.meta["nama_wilayah"].iloc[0] for p in pooled_report["parts"]]
    for lang, word in (("id", "Laporan gabungan"), ("en", "Pooled report")):
        page = (pooled_report["outcomes"][lang].folder / f"{SECTION}.html").read_text(encoding="utf-8")
        for name in names:
            assert name in page, (lang, name)
        assert word in page
    index = (pooled_report["reports"] / "index.html").read_text(encoding="utf-8")
    assert "Laporan gabungan / Pooled report" in index
    for section in ("Analisis gabungan antarwilayah", "Pooled analysis across regions"):
        assert section in index


def test_the_workbook_has_the_pooled_sheets(pooled_report):
    import openpyxl

    from mutasi_analysis import text

    for lang in ("id", "en"):
        folder = pooled_report["outcomes"][lang].folder
        wb = openpyxl.load_workbook(folder / f"tabel-{PERIOD}.xlsx", read_only=True)
        for tid in SHEETS:
            title = text.label(f"table.{tid}", lang)
            assert len(title) <= 31, title
            assert title in wb.sheetnames, (lang, tid, wb.sheetnames)
        ws = wb[text.label("table.gabungan_wilayah", lang)]
        cells = {str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None}
        assert {p.code for p in pooled_report["parts"]} <= cells


def test_the_pdf_is_the_pooled_report(pooled_report):
    from mutasi_analysis.reporting.handover import handover_text

    if not pooled_report["pdf"]:
        pytest.skip("no PDF engine (Pango) on this machine")
    pdf = pooled_report["outcomes"]["id"].folder / f"laporan-{PERIOD}.pdf"
    assert "Laporan Gabungan Evaluasi Mutasi ASN" in " ".join(handover_text(pdf).split())


def _personal_strings(report) -> set[str]:
    import pandas as pd

    out = set()
    for raw in report["raws"]:
        with open(raw / "pegawai.csv", encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                nip = row["nip"].replace(" ", "")
                born = dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
                out |= {nip, row["nama"], born.isoformat(), born.strftime("%d-%m-%Y"), born.strftime("%d/%m/%Y")}
    for folder in report["processed"]:
        out |= set(pd.read_parquet(folder / "pegawai.parquet", columns=["pid"])["pid"].astype(str))
    return {s for s in out if len(s) >= 6}


def test_no_personal_data_anywhere_under_reports(pooled_report):
    from mutasi_analysis.reporting.handover import handover_text

    secrets = _personal_strings(pooled_report)
    assert len(secrets) > 3 * 300  # NIPs, names, birth dates and pids of three regions' staff
    pattern = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))
    files = [p for p in pooled_report["reports"].rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".ipynb", ".html", ".json", ".xlsx"}
    for path in files:
        if path.suffix in (".xlsx", ".pdf"):
            body = handover_text(path)
        else:  # the figures' base64 pixels hold no text: left out, the scan is 10 times faster
            body = IMAGE_DATA.sub("", path.read_bytes().decode("utf-8", errors="replace"))
        hit = pattern.search(body)
        assert hit is None, f"{path.relative_to(pooled_report['reports'])} contains personal data: {hit.group(0)!r}"


@pytest.mark.oracle
def test_league_view_hides_small_counts_their_values_and_one_complement():
    """Oracle by hand: respondents 30, 3, 12, 0 with min_cell 5. The 3 is hidden with its IKM and
    interval; the column total is public, so one more count (the smallest other non-zero, 12) is
    hidden to protect it, its IKM kept; the 0 (nobody to protect) stays."""
    import numpy as np
    import pandas as pd

    from mutasi_analysis.reporting import pooled_pages as pp
    from mutasi_analysis.reporting.tables import table_payload

    league = pd.DataFrame({
        "rank": pd.array([1, pd.NA, 2, pd.NA], dtype="Int64"), "kode_wilayah": list("abcd"),
        "nama_wilayah": list("ABCD"), "n": [30, 3, 12, 0], "estimate": [82.0, np.nan, 80.0, np.nan],
        "conf_low": [81.0, np.nan, 79.0, np.nan], "conf_high": [83.0, np.nan, 81.0, np.nan],
        "small": [False, True, False, True], "rank_low": pd.array([1, pd.NA, 2, pd.NA], dtype="Int64"),
        "rank_high": pd.array([1, pd.NA, 2, pd.NA], dtype="Int64")})
    view = pp.league_view(league, "ikm", 5)
    assert view.hidden["n_responden"].tolist() == [False, True, True, False]
    assert view.hidden["ikm"].tolist() == [False, True, False, False]
    assert view.table["n_responden"].isna().tolist() == [False, True, True, False]
    assert view.table["ikm"].tolist()[2] == 80.0
    payload = table_payload(view, title="t", labels={c: c for c in view.table.columns})
    assert [r[3] for r in payload["rows"]] == [30, None, None, 0]
    assert pp.hidden_columns(view) == ["pooled.col.n_responden", "pooled.col.ikm", "pooled.col.conf_low",
                                       "pooled.col.conf_high"]
