"""Keyed pseudonyms and key handling."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from mutasi_analysis.pseudonym import (
    KEY_ENV,
    KEY_FILE_ENV,
    PseudonymKeyError,
    key_id,
    load_key,
    pseudonymise,
)

NIPS = pd.Series(["196608011988031001", "200012312024211001", "196608011988031001"])


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    """No key in the environment; the default key file under a temporary home."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home" / ".config" / "mutasi-analysis" / "pseudonym.key"


def test_pid_is_the_first_16_hex_of_hmac_sha256():
    key = b"s" * 40
    pid = pseudonymise(NIPS, key)
    expected = hmac.new(key, NIPS[0].encode(), hashlib.sha256).hexdigest()[:16]
    assert pid[0] == expected and pid[2] == expected and pid[1] != expected
    assert pid.str.fullmatch(r"[0-9a-f]{16}").all()
    assert (pseudonymise(NIPS, b"t" * 40) != pid).all()  # another key, other pseudonyms


def test_pseudonymise_refuses_missing_nips_and_empty_key():
    with pytest.raises(ValueError, match="missing NIPs"):
        pseudonymise(pd.Series(["1", None]), b"k" * 40)
    with pytest.raises(ValueError, match="non-empty bytes"):
        pseudonymise(NIPS, b"")


def test_key_from_environment(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "  " + "a" * 40 + "\n")
    assert load_key() == b"a" * 40
    monkeypatch.setenv(KEY_ENV, "short")
    with pytest.raises(PseudonymKeyError, match="holds 5 characters"):
        load_key()


def test_key_file_created_once_with_0600(no_env):
    key = load_key()
    assert no_env.is_file() and stat.S_IMODE(no_env.stat().st_mode) == 0o600
    assert len(key) == 64 and int(key, 16) >= 0
    assert load_key() == key  # reused, not recreated
    assert len(key_id(key)) == 16 and key_id(key) != key_id(b"x" * 64)


def test_key_file_not_created_when_asked_not_to(no_env):
    with pytest.raises(PseudonymKeyError, match="does not exist"):
        load_key(create=False)


def test_key_file_readable_by_others_is_refused(no_env):
    load_key()
    os.chmod(no_env, 0o644)
    with pytest.raises(PseudonymKeyError, match="chmod 600"):
        load_key()


def test_short_or_unreadable_key_file(no_env):
    no_env.parent.mkdir(parents=True)
    no_env.write_text("abc\n")
    os.chmod(no_env, 0o600)
    with pytest.raises(PseudonymKeyError, match="fewer than 32"):
        load_key()
    no_env.write_bytes(b"\xff\xfe" * 20)
    with pytest.raises(PseudonymKeyError, match="cannot read"):
        load_key()


def test_key_file_inside_git_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "repo" / "keys" / "k.key"))
    with pytest.raises(PseudonymKeyError, match="inside the git working tree"):
        load_key()
    assert not (tmp_path / "repo" / "keys").exists()


# -- the key's identity: fingerprint, beside the processed data ---------------------------------

def test_key_id_is_a_keyed_hash_never_the_key():
    key = secrets_key = b"0123456789abcdef" * 4
    kid = key_id(key)
    assert kid == hmac.new(key, b"mutasi-analysis key id", hashlib.sha256).hexdigest()[:16]
    # not an unkeyed hash of the key (which would let a guessed key be checked offline as fast
    # as hashing), and no part of the key
    assert kid != hashlib.sha256(key).hexdigest()[:16] and kid not in secrets_key.decode()


def test_key_file_variable_naming_a_missing_file_is_an_error_not_a_new_key(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = tmp_path / "typo" / "pseudonym.kye"
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    for create in (True, False):
        with pytest.raises(PseudonymKeyError) as e:
            load_key(create=create)
        msg = e.value.message
        assert str(path) in msg and KEY_FILE_ENV in msg and "mutasi key rotate --yes" in msg and "\n" not in msg
    assert not path.exists() and not path.parent.exists()


KEY_A = "key-a-" + "a" * 40
KEY_B = "key-b-" + "b" * 40
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def ingested(tmp_path, monkeypatch):
    """A small raw set ingested with KEY_A into tmp_path/out; returns (raw, out, region)."""
    from mutasi_analysis.ingest import ingest

    from tests._raw_factory import write_raw, write_region

    monkeypatch.setenv(KEY_ENV, KEY_A)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    raw, region, out = write_raw(tmp_path / "raw"), write_region(tmp_path), tmp_path / "out"
    ingest(raw, out, region, today=TODAY)
    return raw, out, region


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_fingerprint_is_written_beside_the_data(ingested, tmp_path):
    import pyarrow.parquet as pq

    from mutasi_analysis.pseudonym import KEY_ID_FILE, processed_key_id

    _, out, _ = ingested
    kid = key_id(KEY_A.encode())
    saved = json.loads((out / KEY_ID_FILE).read_text(encoding="utf-8"))
    assert saved["key_id"] == kid and KEY_A not in (out / KEY_ID_FILE).read_text()
    assert json.loads((out / "ingest_summary.json").read_text())["pseudonym"]["key_id"] == kid
    for table in ("pegawai", "riwayat_jabatan", "survei_asn", "pelatihan"):
        attrs = json.loads(pq.read_schema(out / f"{table}.parquet").metadata[b"PANDAS_ATTRS"])
        assert attrs["pseudonym_key_id"] == kid
    assert processed_key_id(out) == kid
    assert processed_key_id(tmp_path / "nowhere") is None and processed_key_id(tmp_path / "raw") is None


def test_the_fingerprint_survives_a_lost_or_damaged_summary(ingested):
    from mutasi_analysis.pseudonym import KEY_ID_FILE, processed_key_id

    _, out, _ = ingested
    kid = key_id(KEY_A.encode())
    (out / "ingest_summary.json").write_text("{ not json")
    assert processed_key_id(out) == kid  # from the key file
    (out / "ingest_summary.json").unlink()
    assert processed_key_id(out) == kid
    (out / KEY_ID_FILE).write_text("garbage")
    assert processed_key_id(out) == kid  # from the parquet metadata
    (out / KEY_ID_FILE).unlink()
    assert processed_key_id(out) == kid


@pytest.mark.parametrize("damage", ["summary deleted", "summary corrupt", "summary and key file deleted",
                                    "summary without key id"])
def test_a_different_key_is_refused_even_without_the_summary(ingested, monkeypatch, damage):
    from mutasi_analysis.ingest import ingest
    from mutasi_analysis.pseudonym import KEY_ID_FILE

    raw, out, region = ingested
    summary = out / "ingest_summary.json"
    if damage == "summary corrupt":
        summary.write_bytes(b"\x00\xff garbage")
    elif damage == "summary without key id":
        summary.write_text(json.dumps({"pseudonym": {}}))
    else:
        summary.unlink()
    if "key file" in damage:
        (out / KEY_ID_FILE).unlink()
    before = _hashes(out)
    monkeypatch.setenv(KEY_ENV, KEY_B)
    with pytest.raises(PseudonymKeyError, match="wrong pseudonym key") as e:
        ingest(raw, out, region, today=TODAY)
    assert key_id(KEY_A.encode()) in e.value.message and key_id(KEY_B.encode()) in e.value.message
    assert _hashes(out) == before
    monkeypatch.setenv(KEY_ENV, KEY_A)  # the right key is accepted and repairs the folder
    ingest(raw, out, region, today=TODAY)
    assert json.loads(summary.read_text())["pseudonym"]["key_id"] == key_id(KEY_A.encode())


def test_no_default_key_is_created_over_processed_data_of_another_key(ingested, monkeypatch, tmp_path):
    from mutasi_analysis.ingest import ingest
    from mutasi_analysis.pseudonym import DEFAULT_KEY_FILE

    raw, out, region = ingested
    monkeypatch.delenv(KEY_ENV)  # as if the key had been lost with the shell that set it
    default = DEFAULT_KEY_FILE.expanduser()
    assert str(default).startswith(str(tmp_path))
    before = _hashes(out)
    with pytest.raises(PseudonymKeyError, match=key_id(KEY_A.encode())) as e:
        ingest(raw, out, region, today=TODAY)
    assert str(default) in e.value.message and "\n" not in e.value.message
    assert not default.exists() and _hashes(out) == before
    # into a new folder the default key is created on first use
    ingest(raw, tmp_path / "fresh", region, today=TODAY)
    assert default.is_file() and stat.S_IMODE(default.stat().st_mode) == 0o600
    from mutasi_analysis.pseudonym import processed_key_id

    assert processed_key_id(tmp_path / "fresh") == key_id(load_key())
