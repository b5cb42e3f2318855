"""``record``: a notebook's key results as JSON beside it."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.record import NOTEBOOK_ENV, RecordError, read_record, read_records, read_section, record, to_jsonable
from mutasi_analysis.sections import RECORD_SCHEMA, IkmRecord, SectionRecord


def test_round_trip_with_numpy_pandas_and_missing_values(tmp_path):
    df = pd.DataFrame({"unit": ["A", "B"], "ikm": [82.41, np.nan]})
    path = record("07_topik", {
        "period": "2026-S1", "n": np.int64(7), "share": np.float32(0.25), "ok": np.bool_(True), "missing": pd.NA,
        "nan": float("nan"), "when": pd.Timestamp("2026-06-30"), "units": df,
        "series": pd.Series([1, 2]), "nested": {"a": (1, 2)},
    }, folder=tmp_path)
    assert path == tmp_path / "07_topik.json"
    got = read_record(path)
    assert got["n"] == 7 and isinstance(got["n"], int)
    assert got["share"] == 0.25 and got["ok"] is True
    assert got["missing"] is None and got["nan"] is None
    assert got["when"] == "2026-06-30T00:00:00"
    assert got["units"] == [{"unit": "A", "ikm": 82.41}, {"unit": "B", "ikm": None}]
    assert got["series"] == [1, 2] and got["nested"] == {"a": [1, 2]}
    raw = json.loads(path.read_text())
    assert raw["notebook"] == "07_topik" and raw["schema"] == RECORD_SCHEMA


def test_default_folder_is_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record("07_topik", {"period": "2026-S1", "x": 1})
    assert read_record(tmp_path / "07_topik.json")["x"] == 1


def test_infinite_value_is_refused_naming_where(tmp_path):
    with pytest.raises(ValueError, match=r"results\.effect\.ci\[1\] is infinite"):
        record("03", {"period": "2026-S1", "effect": {"ci": [1.0, math.inf]}}, folder=tmp_path)
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
    record("07_a", {"period": "2026-S1", "v": 1}, folder=tmp_path)
    (tmp_path / "manifest.json").write_text('{"schema": 1, "notebooks": {}}')
    (tmp_path / "other.json").write_text('{"hello": 1}')
    assert list(read_records(tmp_path)) == ["07_a"] and read_records(tmp_path)["07_a"]["v"] == 1
    assert read_records(tmp_path / "missing") == {}


def test_not_a_results_file(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"a": 1}')
    with pytest.raises(ValueError, match="not a results file"):
        read_record(p)


# ------------------------------------------------------------------------- the record schema
def test_a_built_in_section_must_record_every_field_of_its_model(tmp_path):
    with pytest.raises(RecordError, match=r"04_ikm: the record does not match IkmRecord.*ikm: Field required"):
        record("04_ikm", {"period": "2026-S1", "headline": {}}, folder=tmp_path)
    with pytest.raises(RecordError, match=r"unknown_key: Extra inputs are not permitted"):
        record("04_ikm", {"period": "2026-S1", "ikm": 81.5, "mutu": "B", "n_responden": 10, "units": [],
                          "changes": [], "weakest": [], "inadequate_sample": [], "unknown_key": 1}, folder=tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_typed_record_reads_back_as_its_model(tmp_path):
    record("04_ikm", {"period": "2026-S1", "ikm": 81.5, "mutu": "B", "n_responden": 10, "weakest": [],
                      "units": [{"kode_unit": "KEC", "n_responden": 10, "ikm": 81.5, "mutu": "B",
                                 "sampel_minimum": 9, "memadai": True}],
                      "changes": [], "inadequate_sample": [], "headline": {"ikm": 81.5}}, folder=tmp_path)
    rec = read_section(tmp_path / "04_ikm.json")
    assert isinstance(rec, IkmRecord) and rec.units[0].memadai is True and rec.lang == "id"
    assert rec.headline["ikm"].label == "ikm" and rec.headline["ikm"].value == 81.5  # shorthand expanded


def test_every_record_names_its_period(tmp_path):
    with pytest.raises(RecordError, match="period: Field required"):
        record("07_topik", {"x": 1}, folder=tmp_path)
    with pytest.raises(RecordError, match="period: String should match"):
        record("07_topik", {"period": "semester 1"}, folder=tmp_path)


def test_a_rendered_notebook_records_under_its_own_name(tmp_path, monkeypatch):
    monkeypatch.setenv(NOTEBOOK_ENV, "07_baru")
    with pytest.raises(RecordError, match="notebook 07_baru records its results as '04_ikm'"):
        record("04_ikm", {"period": "2026-S1"}, folder=tmp_path)
    assert isinstance(read_section(record("07_baru", {"period": "2026-S1"}, folder=tmp_path)), SectionRecord)


def test_a_record_of_another_schema_version_is_refused(tmp_path):
    p = tmp_path / "07_a.json"
    p.write_text(json.dumps({"schema": 1, "notebook": "07_a", "results": {"period": "2026-S1"}}))
    with pytest.raises(RecordError, match="record schema 1.*render that period again"):
        read_record(p)
