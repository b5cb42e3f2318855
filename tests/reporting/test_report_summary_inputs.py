"""What the summary hands to the findings: the comparison count of the group the estimate used."""

from __future__ import annotations

import json

import golden

from mutasi_analysis.reporting import summary
from mutasi_analysis.sections import validate_record

PERIOD = "2026-S1"


def _impact(**changes):
    results = json.loads((golden.GOLDEN_DIR / PERIOD / "03_dampak_layanan.json").read_text(encoding="utf-8"))["results"]
    return validate_record("03_dampak_layanan", {**results, **changes})


def test_the_not_yet_rotated_fallback_counts_its_own_comparison_units():
    # 17 offices, 11 rotated, 2 never rotated: the estimate compared with the 9 offices not yet
    # rotated in each month. (The old rule, n_units - n_treated = 6, said "too few" here.)
    rec = _impact(control="notyet", n_never=2, n_control=9)
    inputs = summary.finding_inputs({"03_dampak_layanan": rec}, PERIOD)
    assert (inputs.n_treated_units, inputs.n_control_units) == (11, 9)


def test_a_record_without_the_count_gives_no_unit_finding_rather_than_a_wrong_one():
    rec = _impact(control="notyet", n_never=2, n_control=None)
    inputs = summary.finding_inputs({"03_dampak_layanan": rec}, PERIOD)
    assert (inputs.n_treated_units, inputs.n_control_units) == (None, None)
    never = summary.finding_inputs({"03_dampak_layanan": _impact(control="never", n_control=None)}, PERIOD)
    assert (never.n_treated_units, never.n_control_units) == (11, 6)
