"""``mutasi key show`` and ``mutasi key rotate``."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pandas as pd
import pytest

from mutasi_analysis.cli import main
from mutasi_analysis.ingest import ingest
from mutasi_analysis.pseudonym import KEY_ENV, KEY_FILE_ENV, key_id, processed_key_id
from tests._raw_factory import write_raw, write_region

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A key file, raw data and a processed folder ingested with that key."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    key_file = tmp_path / "keys" / "pseudonym.key"
    key_file.parent.mkdir(mode=0o700)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"old-key-" + b"0" * 40 + b"\n")
    os.close(fd)
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    raw, region, out = write_raw(tmp_path / "raw"), write_region(tmp_path), tmp_path / "out"
    ingest(raw, out, region, today=TODAY)
    return {"raw": raw, "region": region, "out": out, "key": key_file, "tmp": tmp_path}


def _args(p, *extra):
    return ["--raw", str(p["raw"]), "--out", str(p["out"]), "--region", str(p["region"]), *extra]


def test_show_prints_both_fingerprints_and_that_they_match(project, capsys):
    kid = key_id(b"old-key-" + b"0" * 40)
    assert main(["key", "show", "--processed", str(project["out"])]) == 0
    text = capsys.readouterr().out
    assert kid in text and str(project["key"]) in text and "match" in text
    assert "old-key" not in text


def test_show_says_when_they_differ(project, capsys, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "another-" + "x" * 40)
    assert main(["key", "show", "--processed", str(project["out"])]) == 1
    text = capsys.readouterr().out
    assert key_id(("another-" + "x" * 40).encode()) in text and key_id(b"old-key-" + b"0" * 40) in text
    assert "does not match" in text and KEY_ENV in text


def test_show_of_a_folder_never_ingested_and_of_a_missing_key_file(project, capsys, monkeypatch):
    assert main(["key", "show", "--processed", str(project["tmp"] / "empty")]) == 0
    assert "no fingerprint" in capsys.readouterr().out
    monkeypatch.setenv(KEY_FILE_ENV, str(project["tmp"] / "nope.key"))
    assert main(["key", "show", "--processed", str(project["out"])]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.key" in err and "Traceback" not in err
    assert not (project["tmp"] / "nope.key").exists()


def test_rotate_without_yes_explains_and_changes_nothing(project, capsys):
    before = project["key"].read_bytes()
    summary_before = (project["out"] / "ingest_summary.json").read_bytes()
    assert main(["key", "rotate", *_args(project)]) == 2
    err = capsys.readouterr().err
    assert "--yes" in err and "every pid changes" in err and str(project["out"]) in err
    assert project["key"].read_bytes() == before
    assert (project["out"] / "ingest_summary.json").read_bytes() == summary_before
    assert list(project["key"].parent.iterdir()) == [project["key"]]


def test_rotate_moves_the_old_key_aside_and_repseudonymises(project, capsys):
    old = project["key"].read_bytes()
    old_pids = set(pd.read_parquet(project["out"] / "pegawai.parquet")["pid"])
    assert main(["key", "rotate", "--yes", *_args(project)]) == 0
    text = capsys.readouterr().out
    new = project["key"].read_bytes()
    assert new != old and len(new.strip()) == 64 and stat.S_IMODE(project["key"].stat().st_mode) == 0o600
    kept = [p for p in project["key"].parent.iterdir() if p != project["key"]]
    assert len(kept) == 1 and kept[0].read_bytes() == old and kept[0].name.startswith("pseudonym.key.")
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    new_id = key_id(new.strip())
    assert processed_key_id(project["out"]) == new_id and new_id in text and str(kept[0]) in text
    assert json.loads((project["out"] / "ingest_summary.json").read_text())["pseudonym"]["key_id"] == new_id
    new_pids = set(pd.read_parquet(project["out"] / "pegawai.parquet")["pid"])
    assert len(new_pids) == len(old_pids) and not new_pids & old_pids
    # an ordinary ingestion now goes on with the new key
    ingest(project["raw"], project["out"], project["region"], today=TODAY)


def test_rotate_with_a_bad_raw_folder_changes_nothing(project, capsys):
    old = project["key"].read_bytes()
    args = ["key", "rotate", "--yes", "--raw", str(project["tmp"] / "missing"), "--out", str(project["out"]),
            "--region", str(project["region"])]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing" in err
    assert project["key"].read_bytes() == old and list(project["key"].parent.iterdir()) == [project["key"]]
    assert processed_key_id(project["out"]) == key_id(old.strip())


def test_rotate_refuses_a_key_given_in_the_environment(project, capsys, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "env-key-" + "e" * 40)
    assert main(["key", "rotate", "--yes", *_args(project)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and KEY_ENV in err
