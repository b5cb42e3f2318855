"""Manifest pieces: input hashes, fingerprints, git state, versions."""

from __future__ import annotations

import hashlib
import re

from mutasi_analysis.reporting.manifest import (
    fingerprint, git_state, hash_inputs, package_versions, read_manifest, write_json_atomic,
)

from report_helpers import REPO


def test_input_hashes_are_sha256_of_every_file(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.parquet").write_bytes(b"abc")
    (tmp_path / "d" / "sub").mkdir()
    (tmp_path / "d" / "sub" / "b.csv").write_bytes(b"x;y\n")
    (tmp_path / "d" / ".hidden").write_bytes(b"ignored")
    (tmp_path / "c.toml").write_bytes(b"[region]\n")
    got = hash_inputs([tmp_path / "d", tmp_path / "c.toml"], root=tmp_path)
    assert got == {
        "c.toml": hashlib.sha256(b"[region]\n").hexdigest(),
        "d/a.parquet": hashlib.sha256(b"abc").hexdigest(),
        "d/sub/b.csv": hashlib.sha256(b"x;y\n").hexdigest(),
    }


def test_fingerprint_ignores_key_order_but_not_values():
    a = fingerprint(inputs={"x": "1", "y": "2"}, parameters={"n": 1})
    assert a == fingerprint(parameters={"n": 1}, inputs={"y": "2", "x": "1"})
    assert a != fingerprint(inputs={"x": "1", "y": "3"}, parameters={"n": 1})
    assert a != fingerprint(inputs={"x": "1", "y": "2"}, parameters={"n": 1.5})


def test_git_state_of_the_repository_and_of_a_plain_folder(tmp_path):
    g = git_state(REPO)
    assert re.fullmatch(r"[0-9a-f]{40}", g["commit"]) and isinstance(g["dirty"], bool)
    assert git_state(tmp_path) == {"commit": None, "dirty": None}


def test_package_versions_name_the_stack():
    v = package_versions()
    import pandas
    import papermill

    assert v["pandas"] == pandas.__version__ and v["papermill"] == papermill.__version__
    assert re.fullmatch(r"3\.\d+\.\d+", v["python"])


def test_read_manifest_refuses_other_json(tmp_path):
    write_json_atomic(tmp_path / "manifest.json", {"schema": 1, "period": "2026-S1"})
    assert read_manifest(tmp_path)["period"] == "2026-S1"
    (tmp_path / "manifest.json").write_text("{broken")
    assert read_manifest(tmp_path) is None
    assert read_manifest(tmp_path / "nowhere") is None
