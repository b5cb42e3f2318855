"""NIP layout checks (PNS and PPPK)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from mutasi_analysis.nip import check_nips, clean_nip

TODAY = dt.date(2026, 11, 28)


def test_domain_examples_are_valid_and_kind_detected():
    res = check_nips(pd.Series(["19660801 198803 1 001", "200012312024211001", "198703152010011002"]), TODAY)
    assert res["valid"].all()
    assert res["kind"].tolist() == ["PNS", "PPPK", "PNS"]
    assert res["nip"].tolist()[0] == "196608011988031001"


@pytest.mark.parametrize("nip, problem", [
    ("19660801198803100", "not 18 digits"),
    ("1966080119880310011", "not 18 digits"),
    ("1966080119O8031001", "not 18 digits"),
    ("1.98703152010011e+17", "stored as a number in Excel"),
    ("196613011988031001", "birth date (digits 1-8) is not a real date"),   # month 13
    ("196602301988031001", "birth date (digits 1-8) is not a real date"),   # 30 February
    ("189912311988031001", "birth year (digits 1-4) before 1900"),
    ("202712012050031001", "birth date (digits 1-8) is in the future"),
    ("196608011988131001", "TMT CPNS month (digits 13-14) is not 01-12"),
    ("196608011988001001", "TMT CPNS month (digits 13-14) is not 01-12"),
    ("200012312024201001", "PPPK batch (digit 14) is not 1-9"),
    ("196608012030031001", "TMT (digits 9-14) is in the future"),
    ("199001012005031001", "appointment age"),                                # 15 at appointment
    ("194001012010031001", "appointment age"),                                # 70 at appointment
    ("196608011988033001", "sex digit (digit 15) is not 1 or 2"),
    ("196608011988030001", "sex digit (digit 15) is not 1 or 2"),
    ("200012312024213001", "sex digit (digit 15) is not 1 or 2"),             # PPPK
    ("196608011988031000", "sequence (digits 16-18) is 000"),
])
def test_each_layout_fault_is_named(nip, problem):
    res = check_nips(pd.Series([nip]), TODAY).iloc[0]
    assert not res["valid"]
    assert problem in res["problem"]


def test_leap_day_birth_and_boundary_ages():
    res = check_nips(pd.Series(["200002292018031001", "199003012008031001", "196501012025031001"]), TODAY)
    # born 29-02-2000; 18 at appointment (March 2008, born March 1990); 60 at appointment
    assert res["valid"].tolist() == [True, True, True]


def test_missing_is_not_a_nip_and_index_is_kept():
    s = pd.Series([None, "196608011988031001"], index=[10, 20])
    res = check_nips(s, TODAY)
    assert list(res.index) == [10, 20]
    assert res["valid"].tolist() == [False, True]
    assert pd.isna(res.loc[10, "kind"])


def test_vectorised_on_many_generated_nips():
    # build valid NIPs independently of the module: random birth dates and appointments 20-40 years later
    rng = np.random.default_rng(5)
    n = 20_000
    birth = pd.to_datetime("1960-01-01") + pd.to_timedelta(rng.integers(0, 365 * 40, n), unit="D")
    age = rng.integers(20, 40, n)
    month = rng.integers(1, 13, n)
    sex = rng.integers(1, 3, n)
    seq = rng.integers(1, 1000, n)
    pppk = rng.random(n) < 0.3
    nips = []
    for b, a, m, s, q, k in zip(birth, age, month, sex, seq, pppk):
        year = b.year + a + (1 if m < b.month else 0)
        year = min(year, 2025)
        if k:
            nips.append(f"{b:%Y%m%d}{year}2{(q % 9) + 1}{s}{q:03d}")
        else:
            nips.append(f"{b:%Y%m%d}{year}{m:02d}{s}{q:03d}")
    res = check_nips(pd.Series(nips), TODAY)
    assert res["valid"].all(), res.loc[~res["valid"], ["nip", "problem"]].head()
    assert (res["kind"] == "PPPK").to_numpy().tolist() == pppk.tolist()
    broken = pd.Series([x[:14] + "3" + x[15:] for x in nips])  # sex digit 3 everywhere
    assert not check_nips(broken, TODAY)["valid"].any()


def test_clean_nip_removes_inner_spaces():
    assert clean_nip(pd.Series([" 19660801 198803 1 001 ", None])).tolist()[0] == "196608011988031001"
