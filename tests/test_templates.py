"""Input templates (issue 15): what a filled template ingests as, and the checks it carries.

- A template filled with the demo's rows ingests into the same processed tables as the CSV demo.
- The validation read back from each XLSX is the contract's: lists equal to the schema's and
  the region config's codes, the schema's ranges, dates, NIPs as text.
- A value outside its validation (openpyxl writes it as a paste would) is still rejected at
  ingestion with its row and reason.
- ``mutasi template`` writes one file per table, refuses to overwrite, and names the known
  tables when given an unknown one.

Expectations are read from the code (``SPECS``, the region config), never typed here.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from mutasi_analysis.cli import main
from mutasi_analysis.config import load_config
from mutasi_analysis.contract import LIKERT_ITEMS, SKM_ELEMENTS
from mutasi_analysis.demo import write_demo_data
from mutasi_analysis.ingest import ingest
from mutasi_analysis.processed import PROCESSED_TABLES, load_processed
from mutasi_analysis.schemas import SPECS, TABLES, normalise_golongan
from mutasi_analysis.templates import (GUIDE_SHEET, KANAL_SUGGESTIONS, LIST_SHEET, TEMPLATE_ROWS, allowed_values,
                                       fill_template, write_templates)
from tests._raw_factory import FORMASI_ROWS, HEADERS, REGION_TOML, clean_rows, write_region

from .conftest import DEFAULT_REGION, DEMO_SEED, OTHER_REGION

KEY = "t" * 40
# After the demo's export date, so that no demo date is in the future.
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", KEY)


def _many_units_region(folder):
    """The small test region plus enough units that the kode_unit list no longer fits in a formula."""
    extra = "".join(
        f'\n[[units]]\ncode = "KEL-TAMBAHAN-{i:02d}"\nname = "Kantor Kelurahan Tambahan {i}"\n'
        f'type = "kantor_kelurahan"\nkelurahan = "Tambahan {i}"\n'
        for i in range(1, 31)
    )
    return write_region(folder, REGION_TOML + extra)


def _text_rows(csv_path) -> list[dict]:
    """A demo CSV as the text a data officer would copy from it (either locale)."""
    head = csv_path.read_bytes()[:3]
    kw = dict(sep=";", encoding="utf-8-sig") if head == b"\xef\xbb\xbf" else {}
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False, **kw)
    return df.to_dict("records")


def _processed_equal(a, b) -> None:
    pa, pb = load_processed(a), load_processed(b)
    for name in PROCESSED_TABLES:
        pd.testing.assert_frame_equal(pa.table(name), pb.table(name), obj=name)


# --------------------------------------------------------------------------- reading rules back
def _validations(ws) -> dict[str, list]:
    """Column letter -> the data validations whose ranges cover that column's data rows."""
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            c1, r1, c2, r2 = range_boundaries(rng)
            for c in range(c1, c2 + 1):
                out.setdefault(get_column_letter(c), []).append((dv, r1, r2))
    return out


def _list_values(wb, dv) -> list[str]:
    """The values of a list validation: a literal list or a range of the hidden sheet."""
    f = dv.formula1
    if f.startswith('"'):
        return f.strip('"').split(",")
    sheet, ref = f.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return [str(ws.cell(r, c1).value) for r in range(r1, r2 + 1)]


def _date_of(formula: str) -> dt.date:
    y, m, d = map(int, re.fullmatch(r"DATE\((\d+),(\d+),(\d+)\)", formula).groups())
    return dt.date(y, m, d)


def _checks(wb, table: str) -> dict:
    """Column -> function(value) telling whether the value breaks the column's validation as the
    template holds it (read from the file); free-text columns and suggestions never refuse."""
    rules = _validations(wb.worksheets[0])
    today = dt.date.today()
    out = {}
    for j, name in enumerate(SPECS[table].names, start=1):
        (dv, _, _), = rules[get_column_letter(j)]
        if dv.type == "list" and dv.errorStyle != "information":  # stop or warning: Excel speaks up
            allowed = set(_list_values(wb, dv))
            out[name] = lambda v, allowed=allowed: str(v) not in allowed
        elif dv.type in ("whole", "decimal"):
            def check(v, dv=dv):
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    return True
                if dv.type == "whole" and v != int(v):
                    return True
                lo = float(dv.formula1)
                if dv.operator == "between":
                    return not lo <= v <= float(dv.formula2)
                return not (v > lo if dv.operator == "greaterThan" else v >= lo)
            out[name] = check
        elif dv.type == "date":
            start = _date_of(dv.formula1)

            def check(v, start=start):
                if not isinstance(v, (dt.date, dt.datetime)):
                    return True
                day = v.date() if isinstance(v, dt.datetime) else v
                return day < start or day > today
            out[name] = check
        elif dv.type == "custom":  # the NIP rule: text, 18 digits once spaces are removed
            def check(v):
                bare = str(v).replace(" ", "").replace("\xa0", "")
                return not (isinstance(v, str) and len(bare) == 18 and bare.isdigit())
            out[name] = check
        else:
            out[name] = lambda v: False
    return out


def _violates(wb, table: str, column: str, value) -> bool:
    return _checks(wb, table)[column](value)


# ------------------------------------------------------------------------------------ 1. filled
@pytest.fixture(scope="module")
def csv_demo(tmp_path_factory):
    """The demo of the small region as CSV, ingested."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUTASI_PSEUDONYM_KEY", KEY)
        root = tmp_path_factory.mktemp("csv_demo")
        write_demo_data(out=root / "raw", seed=DEMO_SEED, region=OTHER_REGION)
        ingest(root / "raw", root / "out", OTHER_REGION, today=TODAY)
    return root


def test_templates_filled_with_the_demo_ingest_as_the_csv_demo(csv_demo, tmp_path):
    templates = write_templates(tmp_path / "templates", OTHER_REGION)
    assert [p.name for p in templates] == [f"{t}.xlsx" for t in TABLES]
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in templates:
        table = path.stem
        wb = openpyxl.load_workbook(path)
        rows = _text_rows(csv_demo / "raw" / f"{table}.csv")
        assert fill_template(wb, table, rows) == len(rows) > 0
        wb.save(raw / path.name)
    summary = ingest(raw, tmp_path / "out", OTHER_REGION, today=TODAY)
    csv_summary = json.loads((csv_demo / "out" / "ingest_summary.json").read_text(encoding="utf-8"))
    for table, count in summary.tables.items():
        assert count.format == "xlsx"
        assert (count.read, count.accepted, count.rejected) == (
            csv_summary["tables"][table]["read"], csv_summary["tables"][table]["accepted"], 0), table
    _processed_equal(csv_demo / "out", tmp_path / "out")

    # what a data officer sends: every cell within its column's validation (SIASN golongan codes
    # in the list's III/a form), real date cells, NIPs as text, numbers as numbers
    for path in templates:
        wb = openpyxl.load_workbook(raw / path.name)
        checks = _checks(wb, path.stem)
        names = SPECS[path.stem].names
        for i, row in enumerate(wb.worksheets[0].iter_rows(min_row=2, values_only=True), start=1):
            bad = [(n, v) for n, v in zip(names, row) if v is not None and checks[n](v)]
            assert not bad, f"{path.name} row {i}: {bad}"

    wb = openpyxl.load_workbook(raw / "riwayat_jabatan.xlsx", read_only=True)
    ws = wb.worksheets[0]
    names = SPECS["riwayat_jabatan"].names
    row = [c for c in next(ws.iter_rows(min_row=2, max_row=2))]
    by_name = dict(zip(names, row))
    assert isinstance(by_name["tmt_jabatan"].value, dt.datetime)
    assert isinstance(by_name["nip"].value, str) and by_name["nip"].number_format == "@"
    assert isinstance(by_name["jenis_jabatan"].value, int)


def test_the_demo_as_dirty_templates_rejects_each_planted_fault_with_its_row_and_reason(tmp_path):
    """``demo-data --format template --dirty``: the faults bypass the validation as pastes do, and
    ingestion rejects each with its row and reason (``faults.json``); every other row is accepted."""
    demo = write_demo_data(out=tmp_path / "tpl", seed=DEMO_SEED, region=OTHER_REGION, dirty=True, fmt="template")
    assert sorted(p.name for p in demo.files.values()) == sorted(f"{t}.xlsx" for t in TABLES)
    assert len(demo.faults) > 10 and {f["file"] for f in demo.faults} <= {f"{t}.xlsx" for t in TABLES}
    wb = openpyxl.load_workbook(demo.files["pegawai"])
    assert wb.sheetnames[:2] == ["pegawai", GUIDE_SHEET]
    assert wb.worksheets[0].data_validations.dataValidation
    summary = ingest(tmp_path / "tpl", tmp_path / "out", OTHER_REGION, today=TODAY)
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False)
    got = sorted((r.table, int(r.row), r.reason) for r in rejects.itertuples())
    assert got == sorted((f["table"], f["row"], f["reason"]) for f in demo.faults)
    for table, count in summary.tables.items():
        assert count.read == count.accepted + count.rejected == demo.rows[table], table
        assert count.rejected == sum(f["table"] == table for f in demo.faults), table


# ------------------------------------------------------------------------------ 2. the rules
@pytest.fixture(scope="module", params=["default", "many_units"])
def written(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"templates_{request.param}")
    region = DEFAULT_REGION if request.param == "default" else _many_units_region(root)
    write_templates(root / "t", region)
    return root / "t", load_config(region)


@pytest.mark.parametrize("table", TABLES)
def test_the_validation_read_back_is_the_contracts(written, table):
    folder, cfg = written
    spec = SPECS[table]
    wb = openpyxl.load_workbook(folder / f"{table}.xlsx")
    ws = wb.worksheets[0]
    # the data sheet first (ingestion reads it), the guide after it, lists hidden
    assert ws.title == table and wb.sheetnames[1] == GUIDE_SHEET
    assert all(wb[s].sheet_state == "hidden" for s in wb.sheetnames[2:])
    assert wb.sheetnames[2:] in ([], [LIST_SHEET])
    assert [c.value for c in ws[1]] == list(spec.names)
    assert ws.freeze_panes == "A2" and all(c.font.b for c in ws[1])
    rules = _validations(ws)
    for j, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(j)
        where = f"{table}.{col.name}"
        assert len(rules.get(letter, [])) == 1, where
        (dv, first, last), = rules[letter]
        assert (first, last) == (2, TEMPLATE_ROWS + 1), where
        assert dv.showInputMessage and 0 < len(dv.prompt) <= 255 and dv.promptTitle, where
        width = ws.column_dimensions[letter].width
        assert width >= len(col.name), where
        fmt = ws.column_dimensions[letter].number_format
        codes = allowed_values(col, cfg)
        if codes:
            # ingestion accepts more forms than the list shows (IIIa, 31, another case): a warning
            assert dv.type == "list" and dv.errorStyle == "warning", where
            assert _list_values(wb, dv) == [str(v) for v in codes], where
        elif col.kind == "int" and col.hi is None and col.lo is not None:  # formasi.kebutuhan >= 0
            assert (dv.type, dv.operator, float(dv.formula1)) == ("whole", "greaterThanOrEqual", col.lo), where
            assert dv.errorStyle in (None, "stop"), where
        elif col.kind == "int" and col.lo is None:  # a year, checked against the data at ingestion
            assert col.name == spec.year_in_data, where
            assert (dv.type, dv.operator, int(dv.formula1), int(dv.formula2)) == ("whole", "between", 1900, 9999), where
        elif col.kind == "int":
            assert (dv.type, dv.operator) == ("whole", "between"), where
            assert dv.errorStyle in (None, "stop"), where  # ingestion is exactly as strict
            assert (float(dv.formula1), float(dv.formula2)) == (col.lo, col.hi), where
        elif col.kind == "float":
            assert dv.type == "decimal" and float(dv.formula1) == col.lo, where
            assert dv.operator == ("greaterThan" if col.lo_open else "greaterThanOrEqual"), where
        elif col.kind in ("date", "datetime"):
            assert dv.type == "date" and dv.operator == "between", where
            assert dv.errorStyle == "warning", where  # DD-MM-YYYY typed as text is kept
            assert "2024-06-15" in dv.prompt, where
            assert _date_of(dv.formula1) == dt.date.fromisoformat(col.min_date or "1900-01-01"), where
            assert "TODAY()" in dv.formula2, where
            assert "yy" in fmt and ("hh" in fmt) == (col.kind == "datetime"), where
        elif col.kind == "nip":
            assert fmt == "@" and dv.type == "custom" and "ISTEXT(" in dv.formula1, where
        elif col.name == "kanal":  # free text in the contract: suggestions that do not refuse
            assert dv.type == "list" and dv.errorStyle == "information", where
            assert _list_values(wb, dv) == list(KANAL_SUGGESTIONS), where
        else:
            assert col.kind == "text" and dv.type is None, where
        if dv.type is not None:
            assert dv.showErrorMessage and 0 < len(dv.error) <= 255 and dv.errorTitle, where
        if col.kind in ("text", "nip", "unit", "code", "golongan"):
            assert fmt == "@", where  # Excel keeps what is typed (no 1.98E+17, no dates from SK numbers)
    # the named columns of the contract get their ranges
    for names, table_of in ((SKM_ELEMENTS, "skm"), (LIKERT_ITEMS, "survei_asn")):
        if table == table_of:
            for name in names:
                col = spec.column(name)
                (dv, _, _), = rules[get_column_letter(spec.names.index(name) + 1)]
                assert (dv.type, float(dv.formula1), float(dv.formula2)) == ("whole", col.lo, col.hi)
    # every value a list offers is one ingestion accepts
    for col in spec.columns:
        if col.kind == "golongan":
            gol, _, _ = normalise_golongan(pd.Series(list(allowed_values(col, cfg)), dtype="str"))
            assert gol.notna().all()
    # the guide explains every column, in order, from the spec
    guide = [r for r in wb[GUIDE_SHEET].iter_rows(values_only=True) if r and r[0] in spec.names]
    assert [r[0] for r in guide] == list(spec.names)
    assert all(all(r[:4]) and r[5] for r in guide), "every column has its required/type/allowed/meaning"


def test_a_long_unit_list_goes_to_the_hidden_sheet(written):
    folder, cfg = written
    wb = openpyxl.load_workbook(folder / "skm.xlsx")
    letter = get_column_letter(SPECS["skm"].names.index("kode_unit") + 1)
    (dv, _, _), = _validations(wb.worksheets[0])[letter]
    long_list = len(",".join(cfg.unit_codes)) + 2 > 255
    assert dv.formula1.startswith(LIST_SHEET if long_list else '"') or dv.formula1.startswith(f"'{LIST_SHEET}'")
    assert (LIST_SHEET in wb.sheetnames) == long_list
    assert _list_values(wb, dv) == list(cfg.unit_codes)


# ---------------------------------------------------------------------- 3. a value pasted past it
NIP_X, NIP_Y = "197001012000031001", "197502022001042003"


def _bad_rows() -> dict[str, list[tuple[dict, str, str]]]:
    """Rows each holding one value outside its template validation: (changes, column, reason)."""
    return {
        "unit": [({"kode_unit": "KEC-A", "jenis_unit": "kantor_dinas"}, "jenis_unit", "invalid_code")],
        "pegawai": [
            ({"nip": "19700101200003100"}, "nip", "invalid_nip"),
            ({"nip": NIP_X, "status": "HONORER"}, "status", "invalid_code"),
            ({"nip": NIP_Y, "golongan": "V/a"}, "golongan", "invalid_code"),
        ],
        "riwayat_jabatan": [
            ({"jenis_mutasi": "XX", "tmt_jabatan": dt.date(2021, 1, 4)}, "jenis_mutasi", "invalid_code"),
            ({"jenis_jabatan": 7, "tmt_jabatan": dt.date(2021, 2, 1)}, "jenis_jabatan", "invalid_code"),
            ({"tanggal_sk": dt.date(1949, 12, 31), "tmt_jabatan": dt.date(2021, 3, 1)}, "tanggal_sk", "invalid_date"),
        ],
        "pengaduan": [
            ({"id_laporan": "LPR-90", "kategori": "keluhan"}, "kategori", "invalid_code"),
            ({"id_laporan": "LPR-91", "kode_unit": "KEL-TIDAKADA"}, "kode_unit", "unknown_unit"),
            ({"id_laporan": "LPR-92", "waktu_diterima": dt.datetime(2099, 1, 5, 9, 0)}, "waktu_diterima", "invalid_date"),
        ],
        "skm": [
            ({"id_responden": "SKM-90", "prosedur": 5}, "prosedur", "out_of_range"),
            ({"id_responden": "SKM-91", "sarana_prasarana": "tiga"}, "sarana_prasarana", "wrong_type"),
        ],
        "survei_asn": [({"kesiapan_tugas": 0, "tanggal": dt.date(2024, 6, 20)}, "kesiapan_tugas", "out_of_range")],
        "pelatihan": [
            ({"jam_pelajaran": 0, "nama_pelatihan": "Bimtek"}, "jam_pelajaran", "out_of_range"),
            ({"tanggal_mulai": "kemarin", "nama_pelatihan": "Orientasi"}, "tanggal_mulai", "wrong_type"),
        ],
        "formasi": [({"kebutuhan": -1}, "kebutuhan", "out_of_range")],
    }


def test_a_value_outside_its_validation_is_still_rejected_at_ingestion(tmp_path):
    region = _many_units_region(tmp_path)  # the kode_unit list on the hidden sheet, ingested too
    paths = write_templates(tmp_path / "raw", region)
    clean = {t: [dict(zip(HEADERS[t], r)) for r in rows]
             for t, rows in {**clean_rows(), "formasi": FORMASI_ROWS}.items()}
    expected = set()
    for path in paths:
        table = path.stem
        wb = openpyxl.load_workbook(path)
        bad = _bad_rows()[table]
        rows = list(clean[table])
        for changes, column, reason in bad:
            rows.append({**clean[table][0], **changes})
            expected.add((table, len(rows), column, reason))
            assert _violates(wb, table, column, changes[column]), f"{table}.{column}={changes[column]!r} passes its rule"
        fill_template(wb, table, rows)
        wb.save(path)
    summary = ingest(tmp_path / "raw", tmp_path / "out", region, today=TODAY)
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str, keep_default_na=False)
    got = {(r.table, int(r.row), r.column, r.reason) for r in rejects.itertuples()}
    assert got == expected
    for table, count in summary.tables.items():
        n_bad = len(_bad_rows()[table])
        assert (count.read, count.accepted, count.rejected) == (len(clean[table]) + n_bad, len(clean[table]), n_bad)


def test_a_nip_with_spaces_passes_the_template_and_ingestion(tmp_path):
    """The NIP rule may not refuse what ingestion accepts ("19870315 201001 1 002")."""
    region = write_region(tmp_path)
    wb = openpyxl.load_workbook(write_templates(tmp_path / "t", region, tables="pegawai")[0])
    spaced = clean_rows()["pegawai"][1][0]
    assert " " in spaced and not _violates(wb, "pegawai", "nip", spaced)
    assert _violates(wb, "pegawai", "nip", 198703152010011002)  # a number, as Excel would store it
    # and ingestion reads the spaced NIP from the filled template (the formula itself is
    # evaluated by LibreOffice in test_the_nip_formula_evaluated_by_libreoffice)
    paths = write_templates(tmp_path / "raw", region)
    for path in paths:
        t = path.stem
        book = openpyxl.load_workbook(path)
        fill_template(book, t, [dict(zip(HEADERS[t], r)) for r in {**clean_rows(), "formasi": FORMASI_ROWS}[t]])
        book.save(path)
    assert openpyxl.load_workbook(tmp_path / "raw" / "pegawai.xlsx").worksheets[0]["A3"].value == spaced
    summary = ingest(tmp_path / "raw", tmp_path / "out", region, today=TODAY)
    assert summary.tables["pegawai"].rejected == 0
    assert summary.tables["pegawai"].accepted == len(clean_rows()["pegawai"])


# ------------------------------------------------------------------------------------- 4. CLI
def test_cli_writes_one_template_per_table_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "templates"
    assert main(["template", "--out", str(out), "--region", str(DEFAULT_REGION)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.xlsx" for t in TABLES)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert main(["template", "--out", str(out), "--region", str(DEFAULT_REGION)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and len(err.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert main(["template", "--out", str(out), "--region", str(DEFAULT_REGION), "--force", "--lang", "en",
                 "--tables", "skm, pengaduan"]) == 0
    wb = openpyxl.load_workbook(out / "skm.xlsx")
    assert wb[GUIDE_SHEET]["A1"].value.startswith("How to fill in")

    only = tmp_path / "two"
    assert main(["template", "--out", str(only), "--region", str(DEFAULT_REGION), "--tables", "skm,pengaduan"]) == 0
    assert sorted(p.name for p in only.iterdir()) == ["pengaduan.xlsx", "skm.xlsx"]


def test_cli_unknown_table_is_one_line_naming_the_known_ones(tmp_path, capsys):
    out = tmp_path / "none"
    assert main(["template", "--out", str(out), "--tables", "skm,nope"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "nope" in lines[0] and all(t in lines[0] for t in TABLES)
    assert captured.out == "" and not out.exists()


# ------------------------------------------------------------------ 5. the NIP formula, evaluated
NIP_SAMPLES = {  # value -> whether ingestion (and so the rule) accepts it
    "198703152010011002": True,
    "19870315 201001 1 002": True,
    "19870315\xa0201001\xa01\xa0002": True,
    "198703152010011.02": False,
    "-19870315201001100": False,
    "+19870315201001100": False,
    "1.98703152010E+17": False,
    "19870315201001100": False,
    "1987031520100110022": False,
    "19870315201001100a": False,
    "-000000000123456789": False,
}


def test_the_nip_formula_evaluated_by_libreoffice(tmp_path):
    """The template's own NIP formula, computed by LibreOffice on sample cells (not re-implemented)."""
    import shutil
    import subprocess

    from .conftest import require

    soffice = shutil.which("soffice")
    require(soffice, "LibreOffice (soffice)", "install LibreOffice (apt-get install libreoffice-calc)")
    wb = openpyxl.load_workbook(write_templates(tmp_path / "t", DEFAULT_REGION, tables="pegawai")[0])
    letter = get_column_letter(SPECS["pegawai"].names.index("nip") + 1)
    (dv, _, _), = _validations(wb.worksheets[0])[letter]
    assert dv.formula1.count("UNICHAR(160)") and "CHAR(160)" not in dv.formula1.replace("UNICHAR", "")
    assert len(dv.formula1) <= 255
    out = openpyxl.Workbook()
    ws = out.active
    samples = list(NIP_SAMPLES.items()) + [(198703152010011002, False)]
    for i, (value, _) in enumerate(samples, start=2):
        ws.cell(i, 1, value)
        ws.cell(i, 2, "=IF(" + re.sub(rf"\b{letter}2\b", f"A{i}", dv.formula1) + ',"ok","no")')
    out.save(tmp_path / "nip.xlsx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "csv",
                    "--outdir", str(tmp_path), str(tmp_path / "nip.xlsx")], check=True, timeout=180,
                   capture_output=True)
    lines = (tmp_path / "nip.csv").read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    got = [line.rsplit(",", 1)[1].strip('"') for line in lines]
    # an error (#VALUE!) is a refusal too, as it is in a data validation
    assert [g == "ok" for g in got] == [ok for _, ok in samples], list(zip([v for v, _ in samples], got))


# ------------------------------------------------------------------ 6. unit, conflicts, guide, cache
def test_unit_template_comes_filled_with_the_config_and_ingests(tmp_path):
    region = write_region(tmp_path)
    cfg = load_config(region)
    wb = openpyxl.load_workbook(write_templates(tmp_path / "t", region, tables="unit")[0])
    rows = [r for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if any(r)]
    assert rows == [(u.code, u.name, u.type, u.kelurahan or None) for u in cfg.units]
    assert any("konfigurasi" in str(c.value) for c in wb[GUIDE_SHEET]["A"])


def test_a_template_beside_another_file_of_its_table_is_refused_even_with_force(tmp_path, capsys):
    out = tmp_path / "raw"
    out.mkdir()
    (out / "unit.csv").write_text("kode_unit\n", encoding="utf-8")
    for extra in ([], ["--force"]):
        assert main(["template", "--out", str(out), "--region", str(DEFAULT_REGION), *extra]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "unit.csv" in err[0]
    assert sorted(p.name for p in out.iterdir()) == ["unit.csv"]


def test_the_guide_prints_landscape_one_page_wide_with_row_heights(tmp_path):
    wb = openpyxl.load_workbook(write_templates(tmp_path / "t", DEFAULT_REGION, tables="riwayat_jabatan")[0])
    g = wb[GUIDE_SHEET]
    assert g.page_setup.orientation == "landscape" and g.page_setup.fitToWidth == 1
    assert g.sheet_properties.pageSetUpPr.fitToPage and g.print_title_rows
    assert any(str(r).startswith("A2:") for r in g.merged_cells.ranges)
    rows = [r[0].row for r in g.iter_rows() if r[0].value in SPECS["riwayat_jabatan"].names]
    heights = [g.row_dimensions[r].height for r in rows]
    assert all(h and h >= 15 for h in heights) and max(heights) > 15


def test_fill_template_keeps_1_1_0_and_true_apart(tmp_path):
    wb = openpyxl.load_workbook(write_templates(tmp_path / "t", DEFAULT_REGION, tables="pelatihan")[0])
    rows = [{"nip": NIP_X, "nama_pelatihan": v} for v in (1, 1.0, True)]
    rows += [{"nip": NIP_X, "nama_pelatihan": "x", "tanggal_mulai": "15-06-2024", "jam_pelajaran": "1.234,5"}]
    fill_template(wb, "pelatihan", rows)
    ws = wb.worksheets[0]
    col = SPECS["pelatihan"].names.index("nama_pelatihan") + 1
    assert [ws.cell(i, col).value for i in (2, 3, 4)] == ["1", "1.0", "True"]
    assert ws.cell(5, SPECS["pelatihan"].names.index("tanggal_mulai") + 1).value == dt.date(2024, 6, 15)


def test_golongan_forms_ingestion_reads_become_the_lists_form(tmp_path):
    wb = openpyxl.load_workbook(write_templates(tmp_path / "t", DEFAULT_REGION, tables="pegawai")[0])
    fill_template(wb, "pegawai", [{"nip": NIP_X, "golongan": g} for g in ("IIIa", "III a", "31", 31, "V/a")])
    col = SPECS["pegawai"].names.index("golongan") + 1
    assert [wb.worksheets[0].cell(i, col).value for i in range(2, 7)] == ["III/a"] * 4 + ["V/a"]
