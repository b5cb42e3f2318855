"""The impact verdict is numbers and codes (impact.Verdict); the words come from mutasi_analysis.text."""

from __future__ import annotations

import pytest

from mutasi_analysis.impact import Verdict
from mutasi_analysis.text import verdict_text

BASE = {
    "outcome": "respon_hari_kerja_mean", "definition": "share_rotated_in", "threshold": 0.25, "alpha": 0.05,
    "better": "lower", "percent": False, "estimate": -0.97, "conf_low": -1.42, "conf_high": -0.43,
    "baseline": 4.80, "inference": "randomization", "n_treated": 11, "n_control": 6, "control": "never",
    "pretrend_p": 0.35, "ri_p": None, "ri_term": None, "wcb_p": 0.0004, "analytic_p": 0.0002, "agrees": True,
}


def test_the_verdict_sentence_in_both_languages():
    v = Verdict("estimate", BASE)
    assert verdict_text(v, "id") == (
        "Rotasi (definisi perlakuan: proporsi pegawai yang baru dimutasi masuk mencapai ambang 25%) diperkirakan "
        "menurunkan rata-rata waktu respons pertama (hari kerja) sebesar 0,97, dari rata-rata 4,80 sebelum rotasi "
        "di unit perlakuan menjadi sekitar 3,83 (SK 95% dengan inferensi randomisasi untuk perubahannya: "
        "-1,42 s.d. -0,43; 11 unit perlakuan, 6 unit pembanding: unit yang tidak pernah menerima mutasi). Artinya layanan "
        "membaik setelah rotasi. Metode lain sejalan: bootstrap wild klaster (Sun-Abraham) p < 0,001; galat baku "
        "analitik p < 0,001.")
    en = str(v)
    assert en.startswith("Rotation (treatment definition: share of staff newly rotated in reaches the threshold 25%)")
    assert "to lower the mean working days to first response by 0.97, from an average of 4.80" in en
    assert "Service got better after rotation." in en


def test_a_rejected_pretrend_makes_it_inconclusive_and_a_record_words_the_same():
    v = Verdict("estimate", {**BASE, "pretrend_p": 0.004})
    assert "Belum dapat disimpulkan apakah layanan membaik karena rotasi" in verdict_text(v, "id")
    assert "p = 0,004" in verdict_text(v, "id") and "Artinya layanan" not in verdict_text(v, "id")
    assert verdict_text(v.to_dict(), "en") == verdict_text(v, "en")  # as read back from a record


def test_not_enough_data_says_why():
    v = Verdict("not_enough_data", {"outcome": "backlog", "definition": "first_rotation", "threshold": None,
                                    "reason": "few_control", "n": 2, "minimum": 3, "control": "notyet"})
    assert verdict_text(v, "id") == ("Data belum cukup untuk menilai dampak rotasi terhadap tunggakan pada akhir "
                                     "periode (definisi perlakuan: mutasi masuk pertama). Hanya 2 unit pembanding "
                                     "(unit yang belum menerima mutasi; minimal 3).")


def test_an_unknown_code_or_reason_or_a_missing_number_is_refused():
    with pytest.raises(ValueError, match="unknown verdict code"):
        Verdict("great", BASE)
    with pytest.raises(ValueError, match="needs parameter"):
        Verdict("estimate", {k: v for k, v in BASE.items() if k != "conf_low"})
    with pytest.raises(ValueError, match="unknown reason"):
        Verdict("not_enough_data", {"outcome": "backlog", "definition": "x", "threshold": None, "reason": "tired"})


def test_randomization_on_the_twfe_coefficient_is_named_as_such():
    # Under the not-yet-rotated comparison the permutation test recomputes the TWFE coefficient
    # (impact.analyse); the verdict must not pass it off as the simple ATT's test.
    v = Verdict("estimate", {**BASE, "inference": "analytic", "control": "notyet", "ri_p": 0.03,
                             "ri_term": "twfe", "analytic_p": None})
    assert "randomization inference on the TWFE coefficient p = 0.030" in verdict_text(v, "en")
    assert "inferensi randomisasi pada koefisien TWFE p = 0,030" in verdict_text(v, "id")
    plain = Verdict("estimate", {**BASE, "ri_p": 0.03, "ri_term": "att_simple"})
    assert "TWFE" not in verdict_text(plain, "en") and "randomization inference p = 0.030" in verdict_text(plain, "en")
    older = {"code": "estimate", **BASE, "ri_p": 0.03}
    del older["ri_term"]  # a record written before ri_term: worded as before
    assert "randomization inference p = 0.030" in verdict_text(older, "en")
