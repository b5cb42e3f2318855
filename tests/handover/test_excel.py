"""``tabel-<P>.xlsx``: sheets, headers, formats, suppression, and numbers equal to the recorded JSON.

The workbook is read back with openpyxl (an independent reader of the file XlsxWriter wrote).
Print settings, Excel tables and the details sheet: ``test_excel_print.py``.
"""

from __future__ import annotations

import hashlib
import json
import re

import openpyxl
import pandas as pd
import pytest

from mutasi_analysis.config import load_config
from mutasi_analysis.errors import MutasiError
from mutasi_analysis.record import read_record, record
from mutasi_analysis.reporting.excel import HIDDEN_MARKER, build_excel, header_text
from mutasi_analysis.reporting.tables import HEADLINE_TABLES, findings_table, impact_table, table_payload
from mutasi_analysis.suppression import suppress

from handover_project import PERIOD, PLANTED_EFFECT, REPO, ROTATION_COUNTS

# Tests marked render read the fixture report rendered once per session (~20 s).

# The impact table's event-time rows, spelled out: they are on the details sheet, not the impact sheet.
EVENT_ROW = re.compile(r"^(\d+ bulan sebelum mutasi|Bulan ke-\d+ sejak mutasi)$")


@pytest.fixture(scope="module")
def workbooks(rendered):
    folder = rendered["folder"]
    path_id = build_excel(folder, lang="id")
    wb_id = openpyxl.load_workbook(path_id)
    path_en = build_excel(folder, lang="en")
    wb_en = openpyxl.load_workbook(path_en)
    return {"id": wb_id, "en": wb_en, "path": path_id}


def _tables(folder):
    out = {}
    for nb in ("00_ikhtisar", "02_rotasi", "03_dampak", "04_kepuasan"):
        for tid, payload in read_record(folder / f"{nb}.json").get("tables", {}).items():
            out[tid] = payload
    return out


@pytest.mark.render
@pytest.mark.slow
def test_file_name_and_sheets_in_fixed_order(rendered, workbooks):
    assert workbooks["path"] == rendered["folder"] / f"tabel-{PERIOD}.xlsx"
    # the headline sheets, then the detail sheets: the impact details, the per-cell IKM table
    assert workbooks["id"].sheetnames == [
        "Keterangan", "Dampak layanan", "IKM per unit", "Mutasi per unit", "Temuan", "Rincian", "IKM per unsur"]
    assert workbooks["en"].sheetnames == [
        "About", "Service impact", "IKM by unit", "Rotations by unit", "Findings", "Details", "IKM by element"]


@pytest.mark.render
@pytest.mark.slow
def test_about_sheet_names_region_period_version_and_missing_tables(rendered, workbooks):
    ws = workbooks["id"]["Keterangan"]
    cells = {c.value for row in ws.iter_rows() for c in row if c.value is not None}
    m = rendered["manifest"]
    assert m["region"]["name"] in cells
    assert "Semester I 2026 (1 Januari 2026 \u2013 30 Juni 2026)" in cells  # in words, not ISO
    assert m["packages"]["mutasi-analysis"] in cells
    # The fixture report has no compliance or feedback table: the sheet list says so.
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["Kepatuhan mutasi", "tidak tersedia dalam laporan ini", None] in rows
    assert ["Umpan balik ASN", "tidak tersedia dalam laporan ini", None] in rows
    # The details sheet is listed with its table and the section it comes from.
    assert ["Rincian", "Rincian dampak: perkiraan per bulan sejak mutasi dan per kohort", "03_dampak"] in rows


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_headers_in_the_language_with_units_and_frozen(rendered, workbooks, lang):
    tables = _tables(rendered["folder"])
    wb = workbooks[lang]
    for tid, payload in tables.items():
        ws = wb[HEADLINE_TABLES[tid][lang]]
        assert ws["A1"].value == payload["title"][lang]
        headers = [c.value for c in ws[2]][: len(payload["columns"])]
        assert headers == [header_text(c, lang) for c in payload["columns"]]
        assert ws.freeze_panes == "A3", f"{tid}: header row must stay visible"
    # Spelled out, not derived from the code under test:
    ikm = [c.value for c in wb[HEADLINE_TABLES["ikm_unit"][lang]][2]]
    expected = {
        "id": ["Unit layanan", "Jumlah responden", "Nilai IKM (skor 25-100)", "Mutu pelayanan", "Sampel memadai"],
        "en": ["Service unit", "Respondents", "IKM score (score 25-100)", "Service grade", "Sample adequate"],
    }[lang]
    assert ikm == expected


@pytest.mark.render
@pytest.mark.slow
def test_number_formats_and_column_widths(workbooks):
    ws = workbooks["id"]["IKM per unit"]
    assert ws["C3"].value == pytest.approx(88.3125) and ws["C3"].number_format == "#,##0.00"
    assert ws["B3"].value == 120 and ws["B3"].number_format == "#,##0"
    assert ws["E3"].value == "ya" and ws["E5"].value == "tidak"  # booleans in words
    impact = workbooks["id"]["Dampak layanan"]
    assert impact["F3"].number_format == '[<0.001]"< 0,001";0.000'  # p-values: 3 decimals, "< 0,001" below
    for ws in workbooks["id"].worksheets[1:]:
        for col, letter in enumerate("ABCDEFG"[: ws.max_column], start=1):
            head = ws.cell(2, col).value
            if head is None:
                continue
            width = ws.column_dimensions[letter].width
            longest_word = max(len(w) for w in str(head).split())
            assert width >= longest_word, f"{ws.title}!{letter}: width {width} < {longest_word}"
    assert workbooks["id"]["Temuan"].column_dimensions["D"].width <= 61  # long texts wrap


@pytest.mark.render
@pytest.mark.slow
def test_suppressed_cells_stay_suppressed(rendered, workbooks):
    cfg = load_config(REPO / "config" / "alak.toml")
    counts = pd.DataFrame(ROTATION_COUNTS, index=list(cfg.unit_codes)[:4])
    expected = suppress(counts, config=cfg, published="none").hidden.to_numpy()
    assert expected.any(), "the fixture must have suppressed cells"
    payload = _tables(rendered["folder"])["mutasi"]
    # Recorded: the hidden cells carry no number at all.
    for r, c in payload["hidden"]:
        assert payload["rows"][r][c] is None
    assert {(r, c - 1) for r, c in payload["hidden"]} == set(zip(*expected.nonzero()))
    for lang in ("id", "en"):
        ws = workbooks[lang][HEADLINE_TABLES["mutasi"][lang]]
        for i, unit in enumerate(counts.index):
            assert ws.cell(3 + i, 1).value == unit
            for j, col in enumerate(counts.columns):
                cell = ws.cell(3 + i, 2 + j).value
                if expected[i, j]:
                    assert cell == HIDDEN_MARKER
                else:
                    assert cell == counts.iat[i, j]
        notes = [ws.cell(r, 1).value for r in range(3 + len(counts), ws.max_row + 1)]
        assert any("5" in (n or "") and ("UU 27/2022" in n or "Law 27/2022" in n) for n in notes)


@pytest.mark.render
@pytest.mark.slow
def test_every_number_equals_the_recorded_json(rendered, workbooks):
    details = workbooks["id"]["Rincian"]
    detail_row = 3  # the details sheet's rows follow the impact table's event-time rows in order
    for tid, payload in _tables(rendered["folder"]).items():
        ws = workbooks["id"][HEADLINE_TABLES[tid]["id"]]
        hidden = {tuple(p) for p in payload["hidden"]}
        assert len(payload["rows"]) > 0
        sheet_row = 3
        for r, row in enumerate(payload["rows"]):
            if tid == "dampak" and EVENT_ROW.match(row[0]["id"]):
                # on the details sheet, after two more columns (month, cohort)
                where, at, shift = details, detail_row, {c: (0 if c == 0 else c + 2) for c in range(len(row))}
                detail_row += 1
            else:
                where, at, shift = ws, sheet_row, {c: c for c in range(len(row))}
                sheet_row += 1
            for c, value in enumerate(row):
                cell = where.cell(at, 1 + shift[c]).value
                if (r, c) in hidden:
                    assert cell == HIDDEN_MARKER
                elif value is None:
                    assert cell == "-"
                elif isinstance(value, bool):
                    assert cell == ("ya" if value else "tidak")
                elif isinstance(value, dict):
                    assert cell == value["id"]
                elif isinstance(value, float):
                    # A spreadsheet holds 15-16 significant digits (XlsxWriter writes 16).
                    assert cell == pytest.approx(value, rel=1e-15, abs=0), f"{tid} row {r} col {c}"
                else:
                    assert cell == value, f"{tid} row {r} col {c}"
    assert detail_row > 3, "the fixture's impact table must have event-time rows"


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.simulation
def test_impact_sheet_recovers_the_planted_effect(rendered, workbooks):
    ws = workbooks["en"]["Service impact"]
    row = [c.value for c in ws[3]]
    impact = read_record(rendered["folder"] / "03_dampak.json")["impact"]
    # the headline method's row comes first, with the headline interval
    assert row[0].startswith("Average impact") and impact["inference"] == "randomization"
    assert row[1] == "randomization inference"
    est, lo, hi = row[2], row[3], row[4]
    assert lo < PLANTED_EFFECT < hi
    assert (est, lo, hi) == pytest.approx((impact["estimate"], impact["ci"][0], impact["ci"][1]), rel=1e-15, abs=0)
    labels = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert "Month 0 since rotation" not in labels and "1 months before rotation" not in labels
    details = workbooks["en"]["Details"]
    labels = [details.cell(r, 1).value for r in range(3, details.max_row + 1)]
    assert "Month 0 since rotation" in labels and "1 months before rotation" in labels


@pytest.mark.render
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_impact_sheet_rows_carry_their_own_method(rendered, workbooks, lang):
    """Each overall row's interval and p-value are the ones recorded for that method (issue 12:
    the analytic row once showed the randomization interval beside the analytic p-value)."""
    ws = workbooks[lang]["Dampak layanan" if lang == "id" else "Service impact"]
    impact = read_record(rendered["folder"] / "03_dampak.json")["impact"]
    recorded = {
        ("inferensi randomisasi", "randomization inference"): impact["randomization"],
        ("analitik (klaster unit)", "analytic (unit clusters)"): impact["aggregates"]["simple"],
        ("bootstrap wild klaster", "wild cluster bootstrap"): impact["wild_bootstrap"],
    }
    seen = 0
    for r in range(3, 6):
        method = ws.cell(r, 2).value
        rec = next(v for k, v in recorded.items() if method == k[0 if lang == "id" else 1])
        got = [ws.cell(r, c).value for c in (4, 5, 6)]
        assert got == pytest.approx([rec["conf_low"], rec["conf_high"], rec["pvalue"]], rel=1e-15, abs=0), method
        seen += 1
    assert seen == 3
    # a p-value below 0.001 is displayed as "< 0,001" / "< 0.001", and stays a number
    fmt = ws.cell(3, 6).number_format
    assert fmt.startswith("[<0.001]") and ("< 0,001" if lang == "id" else "< 0.001") in fmt


@pytest.mark.render
@pytest.mark.slow
def test_same_results_give_the_same_bytes(rendered, tmp_path):
    first = hashlib.sha256(build_excel(rendered["folder"]).read_bytes()).hexdigest()
    again = hashlib.sha256(build_excel(rendered["folder"]).read_bytes()).hexdigest()
    assert first == again
    wb = openpyxl.load_workbook(rendered["folder"] / f"tabel-{PERIOD}.xlsx")
    assert wb.properties.created.date().isoformat() == "2026-06-30"  # the period's end, not now


# ------------------------------------------------------------------ payloads and bad input
def test_payload_never_carries_a_hidden_number(tmp_path):
    cfg = load_config(REPO / "config" / "alak.toml")
    counts = pd.DataFrame({"a": [4321, 2], "b": [3, 4321]}, index=["u1", "u2"])
    shown = suppress(counts, config=cfg, published="none")
    record("99_x", {"period": "2026-S1", "tables": {"x": table_payload(shown, title="X", labels={"a": "A", "b": "B", "index": "Unit"})}},
           folder=tmp_path)
    text = (tmp_path / "99_x.json").read_text(encoding="utf-8")
    assert "4321" in text  # visible cells are there ...
    data = json.loads(text)["results"]["tables"]["x"]
    assert sorted(map(tuple, data["hidden"])) == [(0, 2), (1, 1)]  # ... the small ones are not
    assert data["rows"][0][2] is None and data["rows"][1][1] is None
    assert "\"2\"" not in text and ", 2," not in text and ", 3]" not in text


def test_payload_bad_input_is_named():
    df = pd.DataFrame({"zz_unknown": [1.5]})
    with pytest.raises(ValueError, match="zz_unknown"):
        table_payload(df, title="t")
    with pytest.raises(ValueError, match="not a whole number"):
        table_payload(df, title="t", labels={"zz_unknown": "Z"}, formats={"zz_unknown": "integer"})
    with pytest.raises(ValueError, match="not one of"):
        table_payload(df, title="t", labels={"zz_unknown": "Z"}, formats={"zz_unknown": "money"})
    with pytest.raises(ValueError, match="'id' and 'en'"):
        table_payload(df, title={"id": "only Indonesian"}, labels={"zz_unknown": "Z"})


def test_build_excel_errors(tmp_path):
    with pytest.raises(MutasiError, match="does not exist"):
        build_excel(tmp_path / "nope")
    with pytest.raises(MutasiError, match="no recorded tables"):
        build_excel(tmp_path)
    with pytest.raises(ValueError, match="lang"):
        build_excel(tmp_path, lang="fr")
    t = table_payload(pd.DataFrame({"n_responden": [10]}), title="T")
    record("01_a", {"period": "2026-S1", "tables": {"ikm_unit": t}}, folder=tmp_path)
    record("02_b", {"period": "2026-S1", "tables": {"ikm_unit": t}}, folder=tmp_path)
    with pytest.raises(MutasiError, match="both 01_a and 02_b"):
        build_excel(tmp_path)
    (tmp_path / "02_b.json").unlink()
    leaked = dict(t, hidden=[[0, 0]])  # a hidden cell that still carries its number
    with pytest.raises(MutasiError, match="hidden cell"):  # refused when recorded ...
        record("02_b", {"period": "2026-S1", "tables": {"ikm_unsur": leaked}}, folder=tmp_path)
    path = record("02_b", {"period": "2026-S1", "tables": {"ikm_unsur": t}}, folder=tmp_path)
    data = json.loads(path.read_text())
    data["results"]["tables"]["ikm_unsur"] = leaked
    path.write_text(json.dumps(data))
    with pytest.raises(MutasiError, match="hidden cell"):  # ... and when read, if written by hand
        build_excel(tmp_path)


def test_findings_sheet_from_the_rule_set(tmp_path):
    from mutasi_analysis.findings import FindingInputs, evaluate

    cfg = load_config(REPO / "config" / "alak.toml")
    found = evaluate(FindingInputs(period=PERIOD, readiness_answered=10, readiness_unready=6,
                                   freeze_breaks=2), cfg, lang="id")
    assert len(found) >= 2
    record("00_ikhtisar", {"period": "2026-S1", "tables": {"temuan": findings_table(found)}}, folder=tmp_path)
    ws = openpyxl.load_workbook(build_excel(tmp_path))["Temuan"]
    assert [c.value for c in ws[2]] == ["No.", "Tingkat", "Topik", "Temuan", "Rekomendasi", "Bukti", "Aturan"]
    for i, row in enumerate(found.itertuples(index=False)):
        assert [c.value for c in ws[3 + i]] == list(row)
    assert ws.column_dimensions["D"].width <= 61 and ws.cell(3, 4).alignment.wrap_text


def test_impact_without_enough_data_keeps_the_verdict(tmp_path):
    from mutasi_analysis import impact

    cfg = load_config(REPO / "config" / "alak.toml")
    units = list(cfg.unit_codes)
    t0 = 2022 * 12
    panel = pd.DataFrame(
        [(u, t0 + t, (t0 + 10 if i < 2 else 0), 5.0 + 0.1 * t + (i % 3)) for i, u in enumerate(units) for t in range(24)],
        columns=["kode_unit", "t", "cohort", "respon_hari_kerja_mean"],
    )
    panel.attrs.update(outcome="respon_hari_kerja_mean", definition="share_rotated_in", threshold=0.25)
    res = impact.analyse(panel, cfg, n_boot=99, n_perm=49)
    assert res.status == "not_enough_data"
    payload = impact_table(res)
    assert payload["rows"] == [] and payload["note"] == {"id": res.verdict["id"], "en": res.verdict["en"]}
    record("03_dampak", {"period": "2026-S1", "tables": {"dampak": payload}}, folder=tmp_path)
    ws = openpyxl.load_workbook(build_excel(tmp_path, lang="en"))["Service impact"]
    texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert res.verdict["en"] in texts


def test_excel_table_names_are_unique(tmp_path):
    """Keys that map to the same Excel table name ("ikm-unit" and "ikm_unit"; "sheets" and
    "rincian", the names of the first sheet's and the details sheet's tables) get a counter."""
    frame = pd.DataFrame({"a": [1, 2]})
    tables = {key: table_payload(frame, title=key, labels={"a": "A"}, formats={"a": "integer"})
              for key in ("ikm-unit", "ikm_unit", "IKM_UNIT", "sheets", "rincian")}
    result = {"status": "ok", "inference": "analytic",
              "aggregates": {"simple": {"estimate": -1.0, "conf_low": -1.5, "conf_high": -0.5, "pvalue": 0.04},
                             "event": {"table": [{"term": "event_time=0.0", "estimate": -0.9, "conf_low": -1.4,
                                                  "conf_high": -0.4, "pvalue": 0.04}]}},
              "verdict": {"id": "Putusan.", "en": "Verdict."}}
    record("03_x", {"period": PERIOD, "tables": {"dampak": impact_table(result)}}, folder=tmp_path)
    record("06_x", {"period": PERIOD, "tables": tables}, folder=tmp_path)
    wb = openpyxl.load_workbook(build_excel(tmp_path))
    names = [name for ws in wb.worksheets for name in ws.tables]
    assert len(names) == len(wb.worksheets) == 8
    assert len({n.lower() for n in names}) == len(names), names
    assert all(re.fullmatch(r"T_\w+", n) for n in names), names
    assert sorted(n.lower() for n in names) == sorted([
        "t_sheets", "t_sheets_2", "t_dampak", "t_rincian", "t_rincian_2", "t_ikm_unit", "t_ikm_unit_2", "t_ikm_unit_3"])
