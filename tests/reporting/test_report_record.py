"""``record``: a notebook's key results as JSON beside it."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.record import read_record, read_records, record, to_jsonable


def test_round_trip_with_numpy_pandas_and_missing_values(tmp_path):
    df = pd.DataFrame({"unit": ["A", "B"], "ikm": [82.41, np.nan]})
    path = record("04_ikm", {
        "n": np.int64(7), "share": np.float32(0.25), "ok": np.bool_(True), "missing": pd.NA,
        "nan": float("nan"), "when": pd.Timestamp("2026-06-30"), "units": df,
        "series": pd.Series([1, 2]), "nested": {"a": (1, 2)},
    }, folder=tmp_path)
    assert path == tmp_path / "04_ikm.json"
    got = read_record(path)
    assert got["n"] == 7 and isinstance(got["n"], int)
    assert got["share"] == 0.25 and got["ok"] is True
    assert got["missing"] is None and got["nan"] is None
    assert got["when"] == "2026-06-30T00:00:00"
    assert got["units"] == [{"unit": "A", "ikm": 82.41}, {"unit": "B", "ikm": None}]
    assert got["series"] == [1, 2] and got["nested"] == {"a": [1, 2]}
    raw = json.loads(path.read_text())
    assert raw["notebook"] == "04_ikm"


def test_default_folder_is_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record("02_mutasi", {"x": 1})
    assert read_record(tmp_path / "02_mutasi.json") == {"x": 1}


def test_infinite_value_is_refused_naming_where(tmp_path):
    with pytest.raises(ValueError, match=r"results\.effect\.ci\[1\] is infinite"):
        record("03", {"effect": {"ci": [1.0, math.inf]}}, folder=tmp_path)
    assert not list(tmp_path.iterdir())  # nothing half-written


@pytest.mark.parametrize("name", ["../x", "a b", "", "x/y"])
def test_bad_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError, match="plain name"):
        record(name, {}, folder=tmp_path)


def test_non_mapping_and_unserialisable_values_are_refused(tmp_path):
    with pytest.raises(ValueError, match="must be a mapping"):
        record("x", [1, 2], folder=tmp_path)
    with pytest.raises(ValueError, match="results.f is a function"):
        to_jsonable({"f": lambda: 1})


def test_read_records_skips_the_manifest_and_foreign_json(tmp_path):
    record("01_a", {"v": 1}, folder=tmp_path)
    (tmp_path / "manifest.json").write_text('{"schema": 1, "notebooks": {}}')
    (tmp_path / "other.json").write_text('{"hello": 1}')
    assert read_records(tmp_path) == {"01_a": {"v": 1}}
    assert read_records(tmp_path / "missing") == {}


def test_not_a_results_file(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"a": 1}')
    with pytest.raises(ValueError, match="not a results file"):
        read_record(p)
