"""Keyed pseudonyms and key handling."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

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
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "cfg" / "pseudonym.key"))
    return tmp_path / "cfg" / "pseudonym.key"


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
