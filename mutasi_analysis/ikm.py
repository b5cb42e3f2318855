"""Community satisfaction index (IKM) from SKM responses, per PermenPANRB 14/2017.

The rule (PermenPANRB 14/2017, Lampiran): each of the nine elements (unsur) is answered 1..4; the
element's mean score NRR is the mean of the answers given to it (blanks are not answered, not
zero); IKM = sum over elements of NRR x 1/9, times 25, rounded to 2 decimals; the grade (mutu)
follows from the rounded value: >= 88.31 A "Sangat Baik", >= 76.61 B "Baik", >= 65.00 C
"Kurang Baik", otherwise D "Tidak Baik".

Elements are matched by column name, never by position (many local forms swap U8 and U9).
IKM is computed in exact rational arithmetic and rounded half up (as the spreadsheet ROUND
function that local SKM reports use), so a value on a category border is never pushed across it
by binary floating point. ``weight="0.111"`` reproduces the rounded weight of local
spreadsheets, to explain a difference from an old report; the default stays exact.
"""

from __future__ import annotations

import math
import zlib
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError, DataError
from .contract import SKM_ELEMENTS
from .periods import _MONTHS_PER
from .text import label

__all__ = [
    "ELEMENTS",
    "ELEMENT_CODES",
    "WEIGHTS",
    "add_period",
    "category",
    "compute",
    "by_element",
    "bootstrap_ci",
    "krejcie_morgan",
    "sample_adequacy",
    "compare_periods",
]

#: The nine elements in the regulation's order (U1..U9), as named in the raw contract.
ELEMENTS: tuple[str, ...] = SKM_ELEMENTS
ELEMENT_CODES: dict[str, str] = {e: f"U{i}" for i, e in enumerate(ELEMENTS, start=1)}

#: Element weights: exact 1/9 (the regulation) and the rounded values of local spreadsheets.
WEIGHTS: dict[str, Fraction] = {
    "exact": Fraction(1, 9),
    "0.111": Fraction(111, 1000),
    "0.11": Fraction(11, 100),
}

# Lower bounds of the grades on the IKM scale (25..100), best first.
_GRADES: tuple[tuple[Decimal, str], ...] = (
    (Decimal("88.31"), "A"),
    (Decimal("76.61"), "B"),
    (Decimal("65.00"), "C"),
    (Decimal("25.00"), "D"),
)
_CENT = Decimal("0.01")


def _round2(value: Fraction | Decimal) -> Decimal:
    """Round half up to 2 decimals, exactly."""
    if isinstance(value, Fraction):
        # floor(100 x + 1/2) / 100 in integers: exact, no decimal context precision involved
        cents = math.floor(value * 100 + Fraction(1, 2)) if value >= 0 else -math.floor(-value * 100 + Fraction(1, 2))
        return Decimal(cents).scaleb(-2)
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def category(value, lang: str = "id") -> tuple[str, str]:
    """Grade (mutu) and performance label (kinerja) of an IKM value.

    Parameters
    ----------
    value : float, str or Decimal
        An IKM on the 25..100 scale. It is first rounded half up to 2 decimals as written
        (``88.305`` is read as the decimal 88.305, not its binary neighbour), then compared with
        the borders 88.31 (A), 76.61 (B) and 65.00 (C).
    lang : {"id", "en"}
        Language of the label; the default gives the regulation's words.

    Returns
    -------
    tuple of str
        ``("A", "Sangat Baik")``, ``("B", "Baik")``, ``("C", "Kurang Baik")`` or
        ``("D", "Tidak Baik")``.

    Raises
    ------
    ValueError
        When the value is missing or outside 25..100.

    Examples
    --------
    >>> category(88.31)
    ('A', 'Sangat Baik')
    >>> category(88.30)
    ('B', 'Baik')
    """
    if isinstance(value, Fraction):
        dec = _round2(value)
    else:
        try:
            if isinstance(value, float) and math.isnan(value):
                raise ValueError
            dec = _round2(Decimal(str(value)))
        except Exception:
            raise ValueError(f"IKM value must be a number between 25 and 100, got {value!r}") from None
    if not Decimal(25) <= dec <= Decimal(100):
        raise ValueError(f"IKM value must lie between 25 and 100 (PermenPANRB 14/2017 scale), got {value!r}")
    for border, grade in _GRADES:
        if dec >= border:
            return grade, label(f"kinerja_{grade}", lang)
    raise AssertionError("unreachable")  # pragma: no cover


def add_period(frame: pd.DataFrame, kind: str = "semester", date_col: str = "tanggal", name: str = "periode") -> pd.DataFrame:
    """Add a period-id column (``2026-S1``, ``2026-Q2``, ``2026-05``, ``2026``) from a date column.

    Parameters
    ----------
    frame : DataFrame
        SKM responses or staff answer sheets.
    kind : {"semester", "quarter", "month", "year"}
        The region's period kind (``config.period.kind``).
    date_col, name : str
        Date column to read and name of the new column.

    Returns
    -------
    DataFrame
        A copy with the period column.

    Raises
    ------
    DataError
        When the date column is missing or holds missing dates.
    """
    if kind not in _MONTHS_PER:
        raise ValueError(f"unknown period kind {kind!r}; use one of {', '.join(_MONTHS_PER)}")
    if date_col not in frame.columns:
        raise DataError(f"column {date_col!r} is missing; it is needed to assign periods")
    dates = pd.to_datetime(frame[date_col])
    if dates.isna().any():
        raise DataError(
            f"{int(dates.isna().sum())} row(s) have no {date_col!r}; ingestion should have rejected them"
        )
    year = dates.dt.year.astype("int64")
    idx = (dates.dt.month.astype("int64") - 1) // _MONTHS_PER[kind] + 1
    if kind == "semester":
        ids = year.astype(str) + "-S" + idx.astype(str)
    elif kind == "quarter":
        ids = year.astype(str) + "-Q" + idx.astype(str)
    elif kind == "month":
        ids = year.astype(str) + "-" + idx.map("{:02d}".format)
    else:
        ids = year.astype(str)
    return frame.assign(**{name: ids.astype("str")})


def _element_matrix(responses: pd.DataFrame) -> pd.DataFrame:
    """The nine element columns matched by name, validated, as float with NaN = not answered."""
    if not isinstance(responses, pd.DataFrame):
        raise ValueError(f"responses must be a pandas DataFrame, got {type(responses).__name__}")
    norm = {}
    for col in responses.columns:
        key = str(col).strip().lower().replace(" ", "_")
        if key in ELEMENTS:
            if key in norm:
                raise DataError(f"SKM element {key!r} appears in two columns ({norm[key]!r} and {col!r})")
            norm[key] = col
    missing = [e for e in ELEMENTS if e not in norm]
    if missing:
        raise DataError(
            f"SKM responses lack element column(s) {', '.join(missing)}; the nine elements of "
            f"PermenPANRB 14/2017 are matched by name: {', '.join(ELEMENTS)}"
        )
    out = {}
    for e in ELEMENTS:
        raw = responses[norm[e]]
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad_type = num.isna() & raw.notna() & (raw.astype("str").str.strip() != "")
        bad = bad_type | (num.notna() & (~num.isin([1.0, 2.0, 3.0, 4.0])))
        if bad.any():
            first = responses.index[bad.to_numpy()][0]
            raise DataError(
                f"SKM element {e!r} has {int(bad.sum())} value(s) outside the answers 1, 2, 3, 4 "
                f"(first at row {first!r}: {raw.loc[first]!r}); blank means not answered"
            )
        out[e] = num.to_numpy()
    return pd.DataFrame(out, index=responses.index)


def _check_groups(responses: pd.DataFrame, by: Sequence[str], config) -> list[str]:
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in responses.columns]
    if missing:
        raise DataError(f"SKM responses lack grouping column(s) {', '.join(missing)}")
    for c in by:
        if responses[c].isna().any():
            raise DataError(f"{int(responses[c].isna().sum())} SKM row(s) have no {c!r}")
    if config is not None and "kode_unit" in responses.columns:
        unknown = sorted(set(responses["kode_unit"].astype(str)) - set(config.unit_codes))
        if unknown:
            raise ConfigError(
                f"SKM responses name unit code(s) {', '.join(unknown)} that are not in the region "
                f"config {config.source or ''}; known codes: {', '.join(config.unit_codes)}"
            )
    return by


def _exact_ikm(sums: np.ndarray, counts: np.ndarray, weight: Fraction) -> Fraction:
    return 25 * weight * sum(Fraction(int(s), int(n)) for s, n in zip(sums, counts))


def _weight(weight: str) -> Fraction:
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {', '.join(repr(w) for w in WEIGHTS)}, got {weight!r}")
    return WEIGHTS[weight]


def compute(
    responses: pd.DataFrame,
    by: Sequence[str] = ("kode_unit",),
    weight: str = "exact",
    *,
    config=None,
    min_respondents: int = 1,
    lang: str = "id",
) -> pd.DataFrame:
    """IKM per group (e.g. per unit and period), exactly per PermenPANRB 14/2017.

    Parameters
    ----------
    responses : DataFrame
        One row per respondent with the nine element columns of the raw contract in any order
        (values 1..4, NA or blank = not answered) and the ``by`` columns.
    by : sequence of str, default ``("kode_unit",)``
        Grouping columns; add ``"periode"`` (see :func:`add_period`) for unit x period.
    weight : {"exact", "0.111", "0.11"}
        Element weight: exact 1/9 (default) or a rounded weight of local spreadsheets.
    config : RegionConfig, optional
        When given, every ``kode_unit`` must be one of its units.
    min_respondents : int, default 1
        Groups with fewer respondents get no IKM and a note instead.
    lang : {"id", "en"}
        Language of ``kinerja`` and ``catatan``.

    Returns
    -------
    DataFrame
        One row per group, sorted by ``by``: the ``by`` columns, ``n_responden`` (respondents
        who answered at least one element), ``n_kosong`` (rows that answered none; they do not
        count), ``ikm`` (rounded half up to 2 decimals), ``mutu`` (A..D), ``kinerja`` (label),
        ``nrr_<element>`` for the nine elements (mean of the answers given, unrounded) and
        ``catatan`` (empty, or why there is no IKM: an element nobody answered, too few
        respondents). A group without IKM has ``ikm``, ``mutu`` and ``kinerja`` missing and
        says so in ``catatan``; it is never dropped.

    Raises
    ------
    DataError
        When an element or grouping column is missing or a value is not 1..4, or there are no
        responses at all.
    ConfigError
        When a unit code is not in ``config``.
    ValueError
        On an unknown ``weight``.
    """
    w = _weight(weight)
    if min_respondents < 1:
        raise ValueError("min_respondents must be at least 1")
    if not by:  # one row over everything: group on a constant, dropped at the end
        out = compute(responses.assign(_all=""), ("_all",), weight, config=config, min_respondents=min_respondents, lang=lang)
        return out.drop(columns="_all")
    by = _check_groups(responses, by, config)
    x = _element_matrix(responses)
    if len(x) == 0:
        raise DataError("there are no SKM responses to compute an IKM from (empty table)")
    answered = x.notna()
    keys = responses[by].astype("str")
    work = pd.concat([keys, x.fillna(0).astype("int64").add_prefix("s_"), answered.astype("int64").add_prefix("n_")], axis=1)
    work["_any"] = answered.any(axis=1).astype("int64")
    work["_none"] = 1 - work["_any"]
    agg = work.groupby(by, sort=True).sum()
    rows = []
    for key, r in agg.iterrows():
        sums = np.array([r[f"s_{e}"] for e in ELEMENTS])
        counts = np.array([r[f"n_{e}"] for e in ELEMENTS])
        n = int(r["_any"])
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        row.update(n_responden=n, n_kosong=int(r["_none"]))
        nrr = {f"nrr_{e}": (s / c if c else np.nan) for e, s, c in zip(ELEMENTS, sums, counts)}
        unanswered = [e for e, c in zip(ELEMENTS, counts) if c == 0]
        if n < min_respondents or n == 0:
            note = label("note_few_respondents", lang).format(n=max(min_respondents, 1))
            value = None
        elif unanswered:
            note = label("note_element_unanswered", lang).format(elements=", ".join(unanswered))
            value = None
        else:
            note = ""
            value = _exact_ikm(sums, counts, w)
        if value is None:
            row.update(ikm=np.nan, mutu=None, kinerja=None)
        else:
            rounded = _round2(value)
            grade, text = category(rounded, lang)
            row.update(ikm=float(rounded), mutu=grade, kinerja=text)
        row.update(nrr)
        row["catatan"] = note
        rows.append(row)
    out = pd.DataFrame(rows)
    out["ikm"] = out["ikm"].astype("Float64")
    for c in ("mutu", "kinerja", "catatan"):
        out[c] = out[c].astype("str")
    for e in ELEMENTS:
        out[f"nrr_{e}"] = out[f"nrr_{e}"].astype("Float64")
    return out.reset_index(drop=True)


def by_element(
    responses: pd.DataFrame,
    by: Sequence[str] = ("kode_unit",),
    *,
    config=None,
    lang: str = "id",
) -> pd.DataFrame:
    """A group's IKM per element: which element is weakest.

    Parameters
    ----------
    responses : DataFrame
        As for :func:`compute`.
    by : sequence of str
        Grouping columns.
    config : RegionConfig, optional
        Checks the unit codes.
    lang : {"id", "en"}
        Language of the element name and grade label.

    Returns
    -------
    DataFrame
        One row per group and element: the ``by`` columns, ``kode_unsur`` (U1..U9),
        ``unsur`` (element name), ``n_jawaban``, ``nrr`` (mean answer), ``nilai_unsur``
        (NRR x 25, rounded half up to 2 decimals), ``mutu`` and ``kinerja`` of that score
        (the regulation's conversion intervals), ``peringkat`` (1 = lowest NRR; ties in
        regulation order) and ``terlemah`` (the rank-1 element). An element nobody answered has
        no score, rank or grade and is never the weakest.
    """
    if not by:
        return by_element(responses.assign(_all=""), ("_all",), config=config, lang=lang).drop(columns="_all")
    by = _check_groups(responses, by, config)
    x = _element_matrix(responses)
    if len(x) == 0:
        raise DataError("there are no SKM responses (empty table)")
    keys = responses[by].astype("str")
    long = pd.concat([keys, x], axis=1).melt(id_vars=by, value_vars=list(ELEMENTS), var_name="_e", value_name="_v")
    agg = long.groupby(by + ["_e"], sort=False)["_v"].agg(["sum", "count"]).reset_index()
    rows = []
    for _, r in agg.iterrows():
        s, c = int(r["sum"]), int(r["count"])
        row = {k: r[k] for k in by}
        row.update(kode_unsur=ELEMENT_CODES[r["_e"]], unsur=label(r["_e"], lang), n_jawaban=c, _e=r["_e"])
        if c:
            score = _round2(Fraction(25 * s, c))
            grade, text = category(score, lang)
            row.update(nrr=s / c, nilai_unsur=float(score), mutu=grade, kinerja=text)
        else:
            row.update(nrr=np.nan, nilai_unsur=np.nan, mutu=None, kinerja=None)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["_order"] = out["_e"].map({e: i for i, e in enumerate(ELEMENTS)})
    out = out.sort_values(by + ["_order"]).reset_index(drop=True)
    # rank by NRR within the group; ties keep regulation order (stable sort)
    ranked = out[out["n_jawaban"] > 0].sort_values(by + ["nrr", "_order"], kind="stable")
    out["peringkat"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out.loc[ranked.index, "peringkat"] = ranked.groupby(by, sort=False).cumcount().to_numpy() + 1
    out["terlemah"] = (out["peringkat"] == 1).fillna(False).astype(bool)
    out["nrr"] = out["nrr"].astype("Float64")
    out["nilai_unsur"] = out["nilai_unsur"].astype("Float64")
    return out.drop(columns=["_e", "_order"])


def _group_seed(seed: int, key) -> np.random.Generator:
    # A group's stream depends only on the seed and its own key, so adding a unit leaves the
    # other units' intervals unchanged.
    tag = zlib.crc32(repr(key).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([int(seed), tag]))


def bootstrap_ci(
    responses: pd.DataFrame,
    by: Sequence[str] = ("kode_unit",),
    weight: str = "exact",
    *,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    config=None,
    lang: str = "id",
) -> pd.DataFrame:
    """Percentile bootstrap confidence interval of each group's IKM.

    Respondents are resampled with replacement within each group (the survey's sampling unit),
    the IKM recomputed (unrounded) per resample, and the ``(1 - level) / 2`` and
    ``(1 + level) / 2`` quantiles taken.

    Parameters
    ----------
    responses : DataFrame
        As for :func:`compute`.
    by : sequence of str
        Grouping columns.
    weight : {"exact", "0.111", "0.11"}
        Element weight.
    n_boot : int, default 2000
        Number of resamples.
    level : float, default 0.95
        Confidence level.
    seed : int, default 0
        Seed; each group's resamples depend only on the seed and the group key, so results
        are reproducible.
    config : RegionConfig, optional
        Checks the unit codes.
    lang : {"id", "en"}
        Language of the note.

    Returns
    -------
    DataFrame
        One row per group: ``by`` columns, ``n_responden``, ``ikm`` (as :func:`compute`),
        ``ci_bawah``, ``ci_atas`` (rounded to 2 decimals), ``tingkat_kepercayaan`` and
        ``catatan``. Groups with fewer than 2 respondents, or whose IKM is undefined, have no
        interval and say why.
    """
    w = float(_weight(weight))
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100 for a percentile interval, got {n_boot!r}")
    if not by:
        out = bootstrap_ci(responses.assign(_all=""), ("_all",), weight, n_boot=n_boot, level=level, seed=seed, config=config, lang=lang)
        return out.drop(columns="_all")
    table = compute(responses, by, weight, config=config, lang=lang)
    by = [by] if isinstance(by, str) else list(by)
    x = _element_matrix(responses)
    keep = x.notna().any(axis=1).to_numpy()
    keys = responses[by].astype("str")[keep]
    x = x[keep]
    lo_q, hi_q = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    lows, highs, notes = [], [], []
    groups = dict(tuple(x.groupby([keys[c] for c in by], sort=True))) if len(x) else {}
    for _, row in table.iterrows():
        key = tuple(row[c] for c in by)
        if pd.isna(row["ikm"]):
            lows.append(np.nan), highs.append(np.nan), notes.append(row["catatan"])
            continue
        g = groups[key].to_numpy()
        n = len(g)
        if n < 2:
            lows.append(np.nan), highs.append(np.nan)
            notes.append(label("note_few_respondents", lang).format(n=2))
            continue
        rng = _group_seed(seed, key)
        # multinomial counts = how often each respondent is drawn in each resample
        draws = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype("float64")
        sums = draws @ np.nan_to_num(g, nan=0.0)
        counts = draws @ (~np.isnan(g)).astype("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            stat = 25.0 * w * (sums / counts).sum(axis=1)
        valid = stat[np.isfinite(stat)]
        if len(valid) < 0.95 * n_boot:
            lows.append(np.nan), highs.append(np.nan)
            notes.append(label("not_enough_data", lang))
            continue
        lo, hi = np.percentile(valid, [lo_q, hi_q])
        lows.append(float(_round2(Decimal(repr(float(lo)))))), highs.append(float(_round2(Decimal(repr(float(hi))))))
        notes.append("")
    out = table[by + ["n_responden", "ikm"]].copy()
    out["ci_bawah"] = pd.array(lows, dtype="Float64")
    out["ci_atas"] = pd.array(highs, dtype="Float64")
    out["tingkat_kepercayaan"] = level
    out["catatan"] = pd.array(notes, dtype="str")
    return out


def krejcie_morgan(population: int, *, chi2: float = 3.841, p: float = 0.5, d: float = 0.05) -> int:
    """Required sample size of Krejcie & Morgan (1970) for a population of ``population``.

    s = chi2 N P (1 - P) / (d^2 (N - 1) + chi2 P (1 - P)), rounded to the nearest integer as
    in the published table (100 -> 80, 500 -> 217, 1000 -> 278, 10000 -> 370,
    1000000 -> 384). The published row 100000 -> 384 is the table's own inconsistency: the
    formula gives 382.6.

    Parameters
    ----------
    population : int
        Service recipients in a year (N), at least 1.
    chi2 : float, default 3.841
        Chi-square for 1 degree of freedom at the 95% level.
    p : float, default 0.5
        Population proportion (0.5 gives the largest sample).
    d : float, default 0.05
        Margin of error.

    Returns
    -------
    int
    """
    if isinstance(population, bool) or not isinstance(population, (int, np.integer)):
        if isinstance(population, float) and population.is_integer():
            population = int(population)
        else:
            raise ValueError(f"population must be a whole number of service recipients, got {population!r}")
    if population < 1:
        raise ValueError(f"population must be at least 1, got {population!r}")
    if not (0 < p < 1 and 0 < d < 1 and chi2 > 0):
        raise ValueError("need 0 < p < 1, 0 < d < 1 and chi2 > 0")
    n = int(population)
    s = chi2 * n * p * (1 - p) / (d * d * (n - 1) + chi2 * p * (1 - p))
    return min(n, int(Decimal(repr(float(s))).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def sample_adequacy(
    table: pd.DataFrame,
    volume: Mapping[str, int] | pd.Series | None = None,
    *,
    config=None,
    unit_col: str = "kode_unit",
    lang: str = "id",
) -> pd.DataFrame:
    """Whether each group's SKM sample met the Krejcie-Morgan size for its yearly volume.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`compute` (needs ``unit_col`` and ``n_responden``).
    volume : mapping or Series, optional
        Unit code -> number of service recipients in a year.
    config : RegionConfig, optional
        When ``volume`` is not given, each unit's ``annual_service_volume`` from the config.
    unit_col : str
        The unit column of ``table``.
    lang : {"id", "en"}
        Language of the note.

    Returns
    -------
    DataFrame
        ``table`` with ``populasi``, ``sampel_minimum`` and ``memadai`` (boolean; missing
        only where the unit's volume is unknown, with a note in ``catatan``).
    """
    for c in (unit_col, "n_responden"):
        if c not in table.columns:
            raise ValueError(f"table lacks column {c!r}; pass the output of ikm.compute")
    if volume is None:
        if config is None:
            raise ValueError("give volume (unit -> yearly service recipients) or config")
        volume = {u.code: getattr(u, "annual_service_volume", None) for u in config.units}
    vol = pd.Series(volume, dtype="object") if not isinstance(volume, pd.Series) else volume
    out = table.copy()
    pop = out[unit_col].map(vol)
    out["populasi"] = pd.array([None if pd.isna(v) else int(v) for v in pop], dtype="Int64")
    out["sampel_minimum"] = pd.array(
        [None if pd.isna(v) else krejcie_morgan(int(v)) for v in out["populasi"]], dtype="Int64"
    )
    out["memadai"] = pd.array(
        [None if pd.isna(m) else bool(n >= m) for n, m in zip(out["n_responden"], out["sampel_minimum"])],
        dtype="boolean",
    )
    note = label("note_volume_unknown", lang)
    base = out["catatan"] if "catatan" in out.columns else pd.Series("", index=out.index, dtype="str")
    out["catatan"] = [
        (f"{b}; {note}" if b else note) if pd.isna(p) else b for b, p in zip(base, out["populasi"])
    ]
    out["catatan"] = out["catatan"].astype("str")
    return out


def compare_periods(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    on: Sequence[str] = ("kode_unit",),
) -> pd.DataFrame:
    """Compare each unit's IKM and grade with the previous period.

    Parameters
    ----------
    current, previous : DataFrame
        Outputs of :func:`compute` for two periods.
    on : sequence of str
        Columns identifying a unit in both.

    Returns
    -------
    DataFrame
        ``current`` with ``ikm_sebelumnya``, ``mutu_sebelumnya``, ``selisih_ikm`` (rounded to
        2 decimals) and ``turun_mutu`` (the grade fell, e.g. A -> B; missing where either
        period has no grade).
    """
    on = [on] if isinstance(on, str) else list(on)
    for frame, name in ((current, "current"), (previous, "previous")):
        miss = [c for c in on + ["ikm", "mutu"] if c not in frame.columns]
        if miss:
            raise ValueError(f"{name} lacks column(s) {', '.join(miss)}; pass outputs of ikm.compute")
    prev = previous[on + ["ikm", "mutu"]].rename(columns={"ikm": "ikm_sebelumnya", "mutu": "mutu_sebelumnya"})
    out = current.merge(prev, on=on, how="left")
    out["selisih_ikm"] = (out["ikm"] - out["ikm_sebelumnya"]).round(2)
    order = {"A": 4, "B": 3, "C": 2, "D": 1}
    now = out["mutu"].map(order)
    before = out["mutu_sebelumnya"].map(order)
    out["turun_mutu"] = pd.array(
        [None if (pd.isna(a) or pd.isna(b)) else bool(a < b) for a, b in zip(now, before)], dtype="boolean"
    )
    return out
