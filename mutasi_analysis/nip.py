"""NIP (Nomor Induk Pegawai) layout checks for PNS and PPPK, vectorised.

Layouts (as BKN assigns them), 18 digits:

* PNS:  birth date ``YYYYMMDD`` + TMT CPNS ``YYYYMM`` + sex (1/2) + sequence 001-999,
  e.g. ``19660801 198803 1 001``;
* PPPK: birth date ``YYYYMMDD`` + TMT year ``YYYY`` + ``2`` + batch 1-9 + sex (1/2) + sequence,
  e.g. ``200012312024211001``.

A PNS NIP has a month (``01``..``12``) at digits 13-14, so its 13th digit is 0 or 1; a PPPK NIP
has ``2`` there. That digit tells the layouts apart before the layout's own checks run.

No library validates Indonesian NIPs, hence this module. Nothing here keeps the birth date:
:func:`check_nips` returns only the cleaned NIP, its kind and the problem found, and
:func:`birth_years` only the year (the retirement rule of planning needs no more).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["MIN_AGE_AT_APPOINTMENT", "MAX_AGE_AT_APPOINTMENT", "clean_nip", "check_nips", "birth_years"]

#: Plausible age range at appointment (PNS enter at 18..35, PPPK up to a year before
#: retirement); ages outside it point to a typing error in the birth date or TMT.
MIN_AGE_AT_APPOINTMENT = 18
MAX_AGE_AT_APPOINTMENT = 60


def clean_nip(values: pd.Series) -> pd.Series:
    """Remove spaces (``19660801 198803 1 001``) and surrounding blanks; NA stays NA."""
    return values.astype("str").str.replace(r"\s+", "", regex=True)


def birth_years(values: pd.Series) -> pd.Series:
    """The birth year of each NIP (digits 1-4 of both the PNS and the PPPK layout).

    Only the year leaves this function: the full birth date is a direct identifier together
    with the other columns, the year a coarse one (planning's retirement rule needs the year).

    Parameters
    ----------
    values : pandas.Series
        NIPs as text (spaces allowed), normally already checked by :func:`check_nips`.

    Returns
    -------
    pandas.Series of Int64
        Same index; NA where the value is not 18 digits.
    """
    nip = clean_nip(values)
    year = nip.where(nip.str.fullmatch(r"\d{18}").fillna(False)).str[:4]
    return pd.to_numeric(year, errors="coerce").astype("Int64")


def check_nips(values: pd.Series, today: dt.date | None = None) -> pd.DataFrame:
    """Check NIPs against the PNS and PPPK layouts.

    Parameters
    ----------
    values : pandas.Series
        Raw NIPs as text (spaces allowed); NA is reported as not a NIP.
    today : datetime.date, optional
        Run date: birth and appointment dates after it are implausible. Defaults to today.

    Returns
    -------
    pandas.DataFrame
        Same index as ``values``, columns ``nip`` (cleaned, str), ``kind`` (``PNS``, ``PPPK``
        or NA when not 18 digits), ``valid`` (bool) and ``problem`` (str, NA when valid).
    """
    today = today or dt.date.today()
    nip = clean_nip(values)
    n = len(nip)
    filled = nip.fillna("").to_numpy(dtype=object)
    is18 = nip.str.fullmatch(r"\d{18}").fillna(False).to_numpy(dtype=bool)
    digits = np.zeros((n, 18), dtype=np.int64)
    if is18.any():
        buf = "".join(filled[is18]).encode("ascii")
        digits[is18] = (np.frombuffer(buf, dtype=np.uint8).reshape(-1, 18) - ord("0")).astype(np.int64)

    def num(a: int, b: int) -> np.ndarray:  # digits a..b-1 as one integer
        out = np.zeros(n, dtype=np.int64)
        for i in range(a, b):
            out = out * 10 + digits[:, i]
        return out

    by, bm, bd = num(0, 4), num(4, 6), num(6, 8)
    pppk = is18 & (digits[:, 12] == 2)
    ty = num(8, 12)
    tm = np.where(pppk, 1, num(12, 14))
    sex = digits[:, 14]
    seq = num(15, 18)
    batch = digits[:, 13]

    problem = np.full(n, None, dtype=object)

    def flag(mask: np.ndarray, text: str) -> None:
        sel = mask & (problem == None)  # noqa: E711 - elementwise on an object array
        problem[sel] = text

    sci = nip.str.fullmatch(r"[0-9.]+[eE]\+?\d+").fillna(False).to_numpy(dtype=bool)
    flag(sci, "stored as a number in Excel (digits lost): format the NIP column as text and re-enter it")
    flag(~is18, "not 18 digits")
    birth = _dates(by, bm, bd)
    tmt = _dates(ty, np.clip(tm, 1, 12), np.ones(n, dtype=np.int64))
    today64 = np.datetime64(today, "D")
    flag(is18 & np.isnat(birth), "birth date (digits 1-8) is not a real date")
    flag(is18 & (by < 1900), "birth year (digits 1-4) before 1900")
    flag(is18 & (birth > today64), "birth date (digits 1-8) is in the future")
    flag(is18 & ~pppk & ((tm < 1) | (tm > 12)), "TMT CPNS month (digits 13-14) is not 01-12")
    flag(is18 & pppk & (batch < 1), "PPPK batch (digit 14) is not 1-9")
    flag(is18 & (tmt > today64), "TMT (digits 9-14) is in the future")
    age = ty - by - ((tm < np.clip(bm, 1, 12)).astype(np.int64))
    flag(
        is18 & ~np.isnat(birth) & ((age < MIN_AGE_AT_APPOINTMENT) | (age > MAX_AGE_AT_APPOINTMENT)),
        f"appointment age {MIN_AGE_AT_APPOINTMENT}-{MAX_AGE_AT_APPOINTMENT} implied by birth date and TMT is not met",
    )
    flag(is18 & ~np.isin(sex, (1, 2)), "sex digit (digit 15) is not 1 or 2")
    flag(is18 & (seq < 1), "sequence (digits 16-18) is 000")
    kind = np.where(is18, np.where(pppk, "PPPK", "PNS"), None)
    return pd.DataFrame(
        {
            "nip": nip,
            "kind": pd.Series(kind, index=values.index, dtype="str"),
            "valid": pd.Series(problem == None, index=values.index),  # noqa: E711
            "problem": pd.Series(problem, index=values.index, dtype="str"),
        },
        index=values.index,
    )


def _dates(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Vectorised calendar dates; NaT where (y, m, d) is not a real date."""
    ok = (y >= 1) & (y <= 9999) & (m >= 1) & (m <= 12) & (d >= 1)
    ms = (np.clip(y, 1, 9999) - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (np.clip(m, 1, 12) - 1)
    dim = ((ms + 1).astype("datetime64[D]") - ms.astype("datetime64[D]")).astype(np.int64)
    ok &= d <= dim
    out = ms.astype("datetime64[D]") + (np.clip(d, 1, 31) - 1).astype("timedelta64[D]")
    out[~ok] = np.datetime64("NaT")
    return out
