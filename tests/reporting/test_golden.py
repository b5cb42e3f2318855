"""The golden-results comparison itself: it must see a number changed by hand, and only that."""

from __future__ import annotations

import json
import shutil

import golden
import pytest

PERIOD = "2026-S1"
NAMES = ["00_ringkasan", "01_kualitas_data", "02_mutasi", "03_dampak_layanan", "04_ikm", "05_umpan_balik_asn",
         "06_perencanaan"]


@pytest.fixture
def copy(tmp_path):
    """A report folder holding exactly the committed golden records."""
    src = golden.GOLDEN_DIR / PERIOD
    for name in NAMES:
        shutil.copyfile(src / f"{name}.json", tmp_path / f"{name}.json")
    return tmp_path


def _edit(folder, name, fn):
    path = folder / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    fn(data["results"])
    path.write_text(json.dumps(data), encoding="utf-8")


def test_every_report_section_has_a_golden_record():
    assert sorted(p.stem for p in (golden.GOLDEN_DIR / PERIOD).glob("*.json")) == NAMES


def test_identical_records_agree(copy):
    assert golden.compare_folders(golden.GOLDEN_DIR / PERIOD, copy, NAMES) == []


def test_a_headline_number_changed_by_hand_fails(copy):
    _edit(copy, "03_dampak_layanan", lambda r: r.update(att=r["att"] * 0.8))
    diffs = golden.compare_folders(golden.GOLDEN_DIR / PERIOD, copy, NAMES)
    assert len(diffs) == 1 and diffs[0].startswith("03_dampak_layanan.json: results.att: golden")
    assert "relative 0.2" in diffs[0]
    assert "make golden" in golden.explain(diffs)


def test_a_deep_number_changed_in_the_last_reported_digit_fails(copy):
    def nudge(r):
        row = r["att_gt"][-1]
        row["conf_high"] += max(abs(row["conf_high"]), 1.0) * 1e-5
    _edit(copy, "03_dampak_layanan", nudge)
    diffs = golden.compare_folders(golden.GOLDEN_DIR / PERIOD, copy, NAMES)
    assert len(diffs) == 1 and "att_gt[" in diffs[0] and ".conf_high" in diffs[0]


def test_floating_point_noise_passes(copy):
    _edit(copy, "03_dampak_layanan", lambda r: r.update(att=r["att"] * (1 + 1e-12)))
    assert golden.compare_folders(golden.GOLDEN_DIR / PERIOD, copy, NAMES) == []


def test_text_keys_lengths_and_types_are_exact(copy):
    def change(r):
        r["status"] = r["status"] + "!"
        r["att_gt"] = r["att_gt"][:-1]
        r["n_units"] = None
        del r["alpha"]
        r["extra"] = 1
    _edit(copy, "03_dampak_layanan", change)
    text = "\n".join(golden.compare_folders(golden.GOLDEN_DIR / PERIOD, copy, NAMES))
    for expected in ("results.status: golden", "results.att_gt: golden has", "results.n_units: golden",
                     "(type changed)", "results.alpha: missing now", "results.extra: new"):
        assert expected in text


def test_a_missing_record_is_named(copy):
    (copy / "04_ikm.json").unlink()
    assert golden.compare_folders(golden.GOLDEN_DIR / PERIOD, copy, NAMES) == [
        "04_ikm.json: not written by the render"]


def test_golden_records_follow_the_record_schema():
    from mutasi_analysis.record import read_section
    from mutasi_analysis.sections import MODELS

    for name in NAMES:
        rec = read_section(golden.GOLDEN_DIR / PERIOD / f"{name}.json")
        assert type(rec) is MODELS[name] and rec.period == PERIOD
