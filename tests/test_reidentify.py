"""``mutasi reidentify``: a plan by pseudonym back to NIP and name, for the key holder only."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from mutasi_analysis.cli import main
from mutasi_analysis.errors import MutasiError
from mutasi_analysis.nip import clean_nip
from mutasi_analysis.pseudonym import KEY_ENV, KEY_FILE_ENV, key_id, pseudonymise
from mutasi_analysis.reidentify import (DATA_SHEET, META_SHEET, PlanFileError, UnsafeOutputError, read_plan,
                                        reidentify, write_machine_sheets)
from tests._raw_factory import NAMES, NIP_A, NIP_B, NIP_C, write_raw, write_region
from tests.conftest import DEFAULT_REGION

KEY = "reidentify-test-key-0123456789abcdef0123456789"
OTHER_KEY = "another-key-for-reidentify-" + "z" * 30
PERIOD = "2026-S2"
FORMULAS = ("=HYPERLINK(\"http://x\",\"klik\")", "+62 811", "-1+2", "@SUM(A1:A2)")
UNKNOWN_PID = "0123456789abcdef"


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def project(tmp_path, monkeypatch, umask022):
    """A project folder (not in git) with raw data of three staff and the key in the environment."""
    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.mutasi]\nregion = "region.toml"\nraw = "data/raw"\nprocessed = "data/processed"\n'
        'reports = "reports"\nrestricted = "restricted"\nnotebooks = "notebooks"\n', encoding="utf-8")
    write_region(root)
    write_raw(root / "data" / "raw")
    monkeypatch.chdir(root)
    return root


def _pids(nips, key=KEY) -> list[str]:
    return list(pseudonymise(pd.Series(list(nips), dtype="str"), key.encode()))


def _moves(pids, alasan=None) -> pd.DataFrame:
    n = len(pids)
    return pd.DataFrame({
        "pid": pids,
        "asal": ["KEC-A"] * n,
        "tujuan": ["KEL-B"] * n,
        "gelombang": list(range(1, n + 1)),
        "tanggal_pindah": [dt.date(2027, 1, 4)] * n,
        "pelatihan": ["Orientasi Tugas"] * n,
        "alasan": alasan if alasan is not None else ["masa jabatan lebih dari 4 tahun"] * n,
    })


def _write_plan(path: Path, moves: pd.DataFrame, key=KEY, region="mini", **meta) -> Path:
    wb = Workbook()
    wb.active.title = "Rencana"
    wb.active.append(["Rencana mutasi (lihat lembar tersembunyi untuk mesin)"])
    write_machine_sheets(wb, moves, {"pseudonym_key_id": key_id(key.encode()), "period": PERIOD,
                                     "region": region, "created": "2026-11-30", **meta})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _sheet(path: Path, name: str = "rencana") -> pd.DataFrame:
    wb = load_workbook(path)
    rows = list(wb[name].iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    return frame.where(frame.notna(), None)


def _default_out(root: Path) -> Path:
    return root / "restricted" / "mini" / "reidentified" / f"rencana-mutasi-{PERIOD}-nama.xlsx"


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _no_personal_data(text: str) -> None:
    for secret in (NIP_A, NIP_B, NIP_C, "19870315 201001 1 002", *NAMES, KEY, OTHER_KEY):
        assert secret not in text


# -- the contract ------------------------------------------------------------------------------------

def test_machine_sheets_are_hidden_and_read_back(tmp_path):
    pids = _pids([NIP_A, NIP_B])
    plan = _write_plan(tmp_path / "plan.xlsx", _moves(pids), version="0.9")
    wb = load_workbook(plan)
    assert wb[META_SHEET].sheet_state == "hidden" and wb[DATA_SHEET].sheet_state == "hidden"
    assert wb["Rencana"].sheet_state == "visible"
    assert [c.value for c in wb[META_SHEET][1]] == ["key", "value"]
    moves, meta = read_plan(plan)
    assert list(moves.columns) == ["pid", "asal", "tujuan", "gelombang", "tanggal_pindah", "pelatihan", "alasan"]
    assert list(moves["pid"]) == pids
    assert list(moves["gelombang"]) == [1, 2]
    assert moves["tanggal_pindah"].iloc[0] == dt.date(2027, 1, 4)
    assert meta["pseudonym_key_id"] == key_id(KEY.encode()) and meta["period"] == PERIOD
    assert meta["region"] == "mini" and meta["version"] == "0.9"


def test_write_machine_sheets_refuses_a_bad_contract():
    with pytest.raises(ValueError, match="pseudonym_key_id"):
        write_machine_sheets(Workbook(), _moves(_pids([NIP_A])), {"period": PERIOD, "region": "mini"})
    with pytest.raises(ValueError, match="16 hex"):
        write_machine_sheets(Workbook(), _moves(_pids([NIP_A])),
                             {"pseudonym_key_id": KEY, "period": PERIOD, "region": "mini"})
    with pytest.raises(ValueError, match="pid"):
        write_machine_sheets(Workbook(), _moves(["not-a-pid"]),
                             {"pseudonym_key_id": key_id(KEY.encode()), "period": PERIOD, "region": "mini"})


def test_a_formula_looking_cell_stays_text(project):
    pids = _pids([NIP_A, NIP_B, NIP_C, NIP_A])
    plan = _write_plan(project / "plan.xlsx", _moves(pids, alasan=list(FORMULAS)))
    with zipfile.ZipFile(plan) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml
    moves, _ = read_plan(plan)
    assert list(moves["alasan"]) == list(FORMULAS)
    out = reidentify(plan, project / "data" / "raw", echo=None)
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml
    assert list(_sheet(out)["alasan"]) == list(FORMULAS)


@pytest.mark.parametrize("case", ["no_meta", "no_data", "no_pid", "not_xlsx", "missing", "bad_pid"])
def test_a_file_that_is_not_a_plan_gets_a_clear_message(tmp_path, case):
    path = tmp_path / "rencana-mutasi-2026-S2.xlsx"
    if case == "not_xlsx":
        path.write_text("pid;nip\n", encoding="utf-8")
    elif case != "missing":
        wb = Workbook()
        meta = {"pseudonym_key_id": key_id(KEY.encode()), "period": PERIOD, "region": "mini"}
        moves = _moves(_pids([NIP_A]))
        write_machine_sheets(wb, moves, meta)
        if case == "no_meta":
            del wb[META_SHEET]
        elif case == "no_data":
            del wb[DATA_SHEET]
        elif case == "no_pid":
            wb[DATA_SHEET]["A1"] = "pegawai"
        elif case == "bad_pid":
            wb[DATA_SHEET]["A2"] = "Yohanes"
        wb.save(path)
    with pytest.raises(PlanFileError) as info:
        read_plan(path)
    msg = info.value.message
    assert str(path) in msg and "\n" not in msg
    expected = {
        "no_meta": "is not a plan workbook written by `mutasi plan`: it has no sheet _meta",
        "no_data": "it has no sheet _data",
        "no_pid": "has no column pid",
        "not_xlsx": "not an xlsx workbook",
        "missing": "does not exist",
        "bad_pid": "pid is not 16 hex characters",
    }[case]
    assert expected in msg
    assert "Yohanes" not in msg


# -- the command -----------------------------------------------------------------------------------

def test_round_trip_with_the_right_key(project, capsys):
    pids = _pids([NIP_C, NIP_A]) + [UNKNOWN_PID] + _pids([NIP_B])
    plan = _write_plan(project / "plan" / f"rencana-mutasi-{PERIOD}.xlsx", _moves(pids))
    capsys.readouterr()
    assert main(["reidentify", "--plan", str(plan)]) == 0
    cap = capsys.readouterr()
    out = _default_out(project)
    assert out.is_file()
    lines = cap.out.strip().splitlines()
    assert len(lines) == 1 and str(out) in lines[0]
    assert "4 row(s), 3 matched" in lines[0] and "1 pseudonym(s)" in lines[0]
    _no_personal_data(cap.out + cap.err)

    # 0600 file, 0700 folders from the restricted folder down, under umask 022
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    for level in (out.parent, out.parent.parent, project / "restricted"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level
    assert not [p for p in out.parent.iterdir() if p.name != out.name]  # no temporary left

    got = _sheet(out)
    assert list(got.columns[:3]) == ["pid", "nip", "nama"]
    assert list(got["pid"]) == pids
    assert list(got["nip"]) == [NIP_C, NIP_A, None, NIP_B]  # NIP_B was spaced in the raw file
    assert list(got["nama"]) == [NAMES[2], NAMES[0], None, NAMES[1]]
    assert list(got["tujuan"]) == ["KEL-B"] * 4
    ws = load_workbook(out)["rencana"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == NIP_C  # text: Excel keeps all 18 digits


def test_round_trip_from_an_xlsx_export(project, tmp_path):
    raw = write_raw(tmp_path / "raw_xlsx", fmt="xlsx")
    pids = _pids([NIP_A, NIP_B])
    plan = _write_plan(tmp_path / "plan.xlsx", _moves(pids))
    out = reidentify(plan, raw, out=tmp_path / "private" / "nama.xlsx", echo=None)
    got = _sheet(out)
    assert list(got["nip"]) == [NIP_A, NIP_B] and list(got["nama"]) == [NAMES[0], NAMES[1]]
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700


def test_a_wrong_key_is_refused_in_one_line(project, capsys, monkeypatch):
    plan = _write_plan(project / "plan.xlsx", _moves(_pids([NIP_A, NIP_B])))
    monkeypatch.setenv(KEY_ENV, OTHER_KEY)
    capsys.readouterr()
    code = main(["reidentify", "--plan", str(plan), "--raw", str(project / "data" / "raw")])
    cap = capsys.readouterr()
    assert code != 0
    assert cap.out == ""
    err = cap.err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert key_id(OTHER_KEY.encode()) in err and key_id(KEY.encode()) in err
    assert "not the key this plan was made with" in err and KEY_FILE_ENV in err
    _no_personal_data(cap.out + cap.err)
    assert not (project / "restricted").exists()


def test_a_raw_export_without_any_of_the_pseudonyms_is_refused(project, tmp_path, capsys):
    plan = _write_plan(project / "plan.xlsx", _moves([UNKNOWN_PID, "fedcba9876543210"]))
    code = main(["reidentify", "--plan", str(plan)])
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert "none of the plan's 2 pseudonyms is in" in err and "pegawai.csv" in err
    assert not (project / "restricted").exists()


@pytest.mark.parametrize("where", ["reports", "data/processed"])
def test_an_output_in_the_reports_or_processed_folder_is_refused(project, capsys, where):
    plan = _write_plan(project / "plan.xlsx", _moves(_pids([NIP_A])))
    out = project / where / PERIOD / "nama.xlsx"
    code = main(["reidentify", "--plan", str(plan), "--out", str(out)])
    cap = capsys.readouterr()
    assert code != 0 and len(cap.err.strip().splitlines()) == 1 and "Traceback" not in cap.err
    assert "inside the" in cap.err and str(out) in cap.err
    assert not out.exists() and not out.parent.exists()
    assert _all_files(project / where) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_an_output_in_git_is_refused_unless_git_ignores_it(project, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    plan = _write_plan(tmp_path / "plan.xlsx", _moves(_pids([NIP_A])))
    with pytest.raises(UnsafeOutputError, match="git work tree") as info:
        reidentify(plan, project / "data" / "raw", out=repo / "lists" / "nama.xlsx", echo=None)
    assert "\n" not in info.value.message
    assert not (repo / "lists").exists()
    (repo / ".gitignore").write_text("private/\n", encoding="utf-8")
    out = reidentify(plan, project / "data" / "raw", out=repo / "private" / "nama.xlsx", echo=None)
    assert out.is_file() and stat.S_IMODE(out.stat().st_mode) == 0o600


def test_an_output_that_is_not_xlsx_is_refused(project, tmp_path):
    plan = _write_plan(tmp_path / "plan.xlsx", _moves(_pids([NIP_A])))
    with pytest.raises(UnsafeOutputError, match=r"\*\.xlsx"):
        reidentify(plan, project / "data" / "raw", out=tmp_path / "nama.csv", echo=None)


def test_a_plan_of_another_region_is_refused(project):
    plan = _write_plan(project / "plan.xlsx", _moves(_pids([NIP_A])), region="alak")
    with pytest.raises(MutasiError, match="region"):
        reidentify(plan, project / "data" / "raw", echo=None)
    assert not (project / "restricted").exists()


def test_help_says_who_it_is_for(capsys):
    with pytest.raises(SystemExit):
        main(["reidentify", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "key holder" in text and "never share it with the report" in text


# -- the demo data, ingested -----------------------------------------------------------------------

def test_round_trip_on_the_demo_data(demo_raw, tmp_path, monkeypatch, capsys, umask022):
    from mutasi_analysis.config import load_config
    from mutasi_analysis.ingest import ingest

    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    processed = tmp_path / "processed"
    ingest(demo_raw, processed, DEFAULT_REGION)
    pegawai = pd.read_parquet(processed / "pegawai.parquet")
    pids = list(pegawai["pid"].iloc[::max(1, len(pegawai) // 12)][:12])
    code = load_config(DEFAULT_REGION).region.code
    plan = _write_plan(tmp_path / "plan" / f"rencana-mutasi-{PERIOD}.xlsx", _moves(pids), region=code)
    out = tmp_path / "key-holder" / "nama.xlsx"
    capsys.readouterr()
    assert main(["reidentify", "--plan", str(plan), "--raw", str(demo_raw), "--out", str(out),
                 "--region", str(DEFAULT_REGION)]) == 0
    cap = capsys.readouterr()
    assert f"{len(pids)} row(s), {len(pids)} matched" in cap.out
    raw = pd.read_csv(demo_raw / "pegawai.csv", dtype=str, sep=None, engine="python")
    raw = raw.assign(nip=clean_nip(raw["nip"]))
    raw["pid"] = pseudonymise(raw["nip"], KEY.encode())
    truth = raw.set_index("pid")
    got = _sheet(out)
    assert list(got["pid"]) == pids
    for row in got.itertuples():
        assert row.nip == truth.at[row.pid, "nip"] and row.nama == truth.at[row.pid, "nama"]
        assert row.nip not in cap.out and row.nama not in cap.out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_failed_write_leaves_no_partial_file(project, tmp_path, monkeypatch):
    import xlsxwriter

    plan = _write_plan(tmp_path / "plan.xlsx", _moves(_pids([NIP_A])))

    def broken_close(self):
        raise OSError(28, "No space left on device", self.filename)

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    out = tmp_path / "private" / "nama.xlsx"
    with pytest.raises(OSError):
        reidentify(plan, project / "data" / "raw", out=out, echo=None)
    assert list(out.parent.iterdir()) == []
