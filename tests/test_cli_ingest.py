"""`mutasi ingest` on the command line: summary on success, one message and exit code 2 on failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mutasi_analysis.cli import main
from tests._raw_factory import write_raw, write_region


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "c" * 40)
    raw = write_raw(tmp_path / "raw")
    return tmp_path, raw, write_region(tmp_path)


def test_ingest_prints_the_summary_table(setup, capsys):
    tmp, raw, region = setup
    code = main(["ingest", "--raw", str(raw), "--out", str(tmp / "out"), "--region", str(region)])
    out = capsys.readouterr().out
    assert code == 0
    assert "pegawai" in out and "No rows rejected." in out
    saved = json.loads((tmp / "out" / "ingest_summary.json").read_text())
    line = next(ln for ln in out.splitlines() if ln.startswith("pengaduan "))
    assert line.split()[-3:] == [str(saved["tables"]["pengaduan"][k]) for k in ("read", "accepted", "rejected")]


def test_missing_file_is_one_message_with_exit_code_2(setup, capsys):
    tmp, raw, region = setup
    (raw / "skm.csv").unlink()
    code = main(["ingest", "--raw", str(raw), "--out", str(tmp / "out"), "--region", str(region)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("mutasi ingest: error: raw folder") and "skm.csv" in err
    assert not (tmp / "out").exists()


def test_wrong_key_through_the_command_line(setup, capsys, monkeypatch):
    tmp, raw, region = setup
    args = ["ingest", "--raw", str(raw), "--out", str(tmp / "out"), "--region", str(region)]
    assert main(args) == 0
    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "d" * 40)
    capsys.readouterr()
    assert main(args) == 2
    assert "wrong pseudonym key" in capsys.readouterr().err


def test_no_traceback_in_a_real_process(setup):
    tmp, raw, region = setup
    (raw / "pelatihan.csv").write_text("nip,nama_pelatihan\n", encoding="utf-8")
    env = {**os.environ, "MUTASI_PSEUDONYM_KEY": "c" * 40}
    proc = subprocess.run(
        [sys.executable, "-m", "mutasi_analysis.cli", "ingest", "--raw", str(raw), "--out", str(tmp / "out"),
         "--region", str(region)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "pelatihan.csv" in proc.stderr and proc.stdout == ""


# -- hardening (issue 10) --------------------------------------------------------------------

def _bomb(raw):
    from tests.test_readers import crafted_xlsx

    (raw / "pegawai.csv").unlink()
    return crafted_xlsx(raw / "pegawai.xlsx")


def test_crafted_xlsx_is_one_line_with_exit_code_2(setup, capsys):
    tmp, raw, region = setup
    _bomb(raw)
    code = main(["ingest", "--raw", str(raw), "--out", str(tmp / "out"), "--region", str(region)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "pegawai.xlsx" in err and "max_columns = 500" in err
    assert not (tmp / "out").exists()


def test_crafted_xlsx_in_a_real_process_gives_no_panic(setup):
    import resource
    from pathlib import Path

    tmp, raw, region = setup
    _bomb(raw)
    exe = Path(sys.executable).with_name("mutasi")
    if not exe.exists():
        pytest.skip(f"{exe} is not installed (make venv)")

    def cap_memory():  # should the check ever regress, fail fast instead of eating the machine
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    env = {**os.environ, "MUTASI_PSEUDONYM_KEY": "c" * 40, "RUST_BACKTRACE": "1"}
    proc = subprocess.run(
        [str(exe), "ingest", "--raw", str(raw), "--out", str(tmp / "out"), "--region", str(region)],
        capture_output=True, text=True, env=env, timeout=120, preexec_fn=cap_memory,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.count("\n") == 1 and "pegawai.xlsx" in proc.stderr
    for bad in ("panic", "Traceback", "backtrace", "memory allocation"):
        assert bad not in proc.stderr
    assert proc.stdout == ""


def test_ragged_row_through_the_command_line_prints_no_row(setup, capsys):
    from tests._raw_factory import NAMES, NIP_A

    tmp, raw, region = setup
    text = (raw / "pegawai.csv").read_text(encoding="utf-8").splitlines()
    text[1] += ",extra"
    (raw / "pegawai.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert main(["ingest", "--raw", str(raw), "--out", str(tmp / "out"), "--region", str(region)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pegawai.csv" in err and "row 1" in err
    assert NIP_A not in err and NAMES[0] not in err


def test_a_file_without_its_header_row_is_named_without_echoing_data(tmp_path, monkeypatch, capsys):
    from mutasi_analysis.cli import main
    from tests._raw_factory import NAMES, NIP_A, write_raw, write_region

    monkeypatch.setenv("MUTASI_PSEUDONYM_KEY", "test-key-0123456789abcdef0123456789abcdef")
    raw = write_raw(tmp_path / "raw")
    lines = (raw / "pegawai.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (raw / "pegawai.csv").write_text("".join(lines[1:]), encoding="utf-8")  # the header row is gone
    code = main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out"), "--region", str(write_region(tmp_path))])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "pegawai.csv lacks column(s)" in err and "header row" in err
    assert NIP_A not in err and NAMES[0] not in err and NAMES[1] not in err
