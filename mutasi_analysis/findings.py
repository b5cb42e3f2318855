"""Findings and recommendations: a small rule set over plain numbers, thresholds from the config.

The input is a :class:`FindingInputs` of plain numbers and small records (no DataFrames, no
module results), so a notebook, a test or an export can build it from whatever it computed.
:func:`evaluate` returns the findings as a table (``id, severity, topic, text,
recommendation, evidence, rule``) in Indonesian (default) or English. Each finding cites the
number behind it (``evidence``) and the rule with its threshold (``rule``).

Rules (ids are stable; per-unit findings append the unit code):

============================  ===============================================================
``KESIAPAN``                  share not ready (``kesiapan_tugas <= 2``) among sheets that answered
                              > ``thresholds.unready_share_training``, with at least
                              ``thresholds.min_cell_size`` answers -> train before the next
                              rotation (the programme document's own example)
``KESIAPAN-DATA``             fewer than ``min_cell_size`` answers: the share is not reported
``DAMPAK-<outcome>``          an impact estimate whose confidence interval excludes zero, better
                              or worse by the outcome's direction
``KANDIDAT-MUTASI``           staff past ``rotation.max_years_in_post`` at the period's end
``MASA-MINIMUM``              moves after less than ``rotation.min_years_in_post`` years
``MASA-LARANGAN``             moves inside a freeze window without an approval number
``IKM-TURUN-<unit>``          a unit's IKM grade fell from the previous period
``SAMPEL-SKM-<unit>``         a unit's SKM sample below its Krejcie-Morgan size
``UNIT-KURANG``               fewer treated than ``thresholds.min_treated_units`` or fewer
                              comparison units than ``thresholds.min_control_units``
============================  ===============================================================

A field left ``None`` (or an empty tuple) means "not assessed": its rules stay silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from .periods import parse_period
from .text import LABELS, fmt_number, fmt_pct, label, namespace, template

__all__ = ["ImpactEstimate", "IkmChange", "SkmSample", "FindingInputs", "COLUMNS", "evaluate", "ikm_changes", "skm_samples"]

COLUMNS = ("id", "severity", "topic", "text", "recommendation", "evidence", "rule")
_GRADE_ORDER = {"A": 4, "B": 3, "C": 2, "D": 1}


def _count(name: str, value) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0 or None, got {value!r}")


@dataclass(frozen=True)
class ImpactEstimate:
    """An impact estimate on one service outcome.

    Attributes
    ----------
    outcome : str
        Outcome name, e.g. ``"respon_hari_kerja_mean"``.
    estimate, conf_low, conf_high : float
        Point estimate and confidence interval (``conf_low <= estimate <= conf_high``).
    better : {"lower", "higher"}
        Which direction means better service (fewer working days: ``"lower"``).
    level : float, default 0.95
        Confidence level of the interval.
    caveat : str, optional
        Why the estimate must not be read as the effect of rotation (``"pretrend_rejected"``:
        the pre-rotation trend test rejected parallel trends); the finding is then worded as
        inconclusive and recommends checking the comparison instead of acting on the effect.
    outcome_label : str, optional
        Display name; by default looked up in :mod:`mutasi_analysis.text` (and the services
        labels), else the outcome name.
    """

    outcome: str
    estimate: float
    conf_low: float
    conf_high: float
    better: Literal["lower", "higher"]
    level: float = 0.95
    outcome_label: str | None = None
    caveat: str | None = None

    def __post_init__(self):
        if self.caveat not in (None, "pretrend_rejected"):
            raise ValueError(f"caveat must be None or 'pretrend_rejected', got {self.caveat!r}")
        if self.better not in ("lower", "higher"):
            raise ValueError(f"better must be 'lower' or 'higher', got {self.better!r}")
        vals = (self.estimate, self.conf_low, self.conf_high)
        if any(v is None or v != v for v in vals):
            raise ValueError(f"impact estimate for {self.outcome!r} has a missing value: {vals}")
        if not self.conf_low <= self.estimate <= self.conf_high:
            raise ValueError(f"impact estimate for {self.outcome!r} lies outside its interval: {vals}")
        if not 0 < self.level < 1:
            raise ValueError(f"level must lie between 0 and 1, got {self.level!r}")


@dataclass(frozen=True)
class IkmChange:
    """A unit's IKM in the previous and the current period."""

    kode_unit: str
    periode_sebelumnya: str
    mutu_sebelumnya: str
    ikm_sebelumnya: float
    periode: str
    mutu: str
    ikm: float

    def __post_init__(self):
        for g in (self.mutu_sebelumnya, self.mutu):
            if g not in _GRADE_ORDER:
                raise ValueError(f"IKM grade must be one of A, B, C, D, got {g!r} for {self.kode_unit!r}")


@dataclass(frozen=True)
class SkmSample:
    """A unit's SKM sample size and its Krejcie-Morgan requirement."""

    kode_unit: str
    n_responden: int
    required: int

    def __post_init__(self):
        _count("n_responden", self.n_responden)
        _count("required", self.required)


@dataclass(frozen=True)
class FindingInputs:
    """Plain facts the rules read. ``None`` / empty = not assessed.

    Attributes
    ----------
    period : str
        The report period id, e.g. ``"2025-S2"``.
    readiness_answered, readiness_unready : int, optional
        Sheets that answered the readiness item, and those with ``kesiapan_tugas <= 2``.
    impacts : tuple of ImpactEstimate
    rotation_candidates : int, optional
        Staff past the maximum years in post at the period's end.
    min_years_breaks, freeze_breaks : int, optional
        Moves that broke the minimum-years rule / the freeze rule.
    ikm_changes : tuple of IkmChange
    skm_samples : tuple of SkmSample
    n_treated_units, n_control_units : int, optional
        Units in the impact analysis (treated; never or not yet treated comparison units).
    """

    period: str
    readiness_answered: int | None = None
    readiness_unready: int | None = None
    impacts: tuple[ImpactEstimate, ...] = ()
    rotation_candidates: int | None = None
    min_years_breaks: int | None = None
    freeze_breaks: int | None = None
    ikm_changes: tuple[IkmChange, ...] = ()
    skm_samples: tuple[SkmSample, ...] = ()
    n_treated_units: int | None = None
    n_control_units: int | None = None

    def __post_init__(self):
        for name in (
            "readiness_answered",
            "readiness_unready",
            "rotation_candidates",
            "min_years_breaks",
            "freeze_breaks",
            "n_treated_units",
            "n_control_units",
        ):
            _count(name, getattr(self, name))
        if (self.readiness_answered is None) != (self.readiness_unready is None):
            raise ValueError("give readiness_answered and readiness_unready together")
        if self.readiness_answered is not None and self.readiness_unready > self.readiness_answered:
            raise ValueError("readiness_unready cannot exceed readiness_answered")
        if (self.n_treated_units is None) != (self.n_control_units is None):
            raise ValueError("give n_treated_units and n_control_units together")
        for name, kind in (("impacts", ImpactEstimate), ("ikm_changes", IkmChange), ("skm_samples", SkmSample)):
            items = getattr(self, name)
            if not isinstance(items, (tuple, list)) or not all(isinstance(i, kind) for i in items):
                raise ValueError(f"{name} must be a tuple of {kind.__name__}")
            object.__setattr__(self, name, tuple(items))


def ikm_changes(table: pd.DataFrame) -> tuple[IkmChange, ...]:
    """IKM changes from the output of :func:`mutasi_analysis.ikm.compare_periods`.

    Rows where either period has no grade are skipped (there is nothing to compare).
    The table needs ``periode`` and ``periode_sebelumnya`` columns, or pass them via
    ``table.assign(periode=..., periode_sebelumnya=...)``.
    """
    need = ["kode_unit", "periode", "periode_sebelumnya", "mutu", "mutu_sebelumnya", "ikm", "ikm_sebelumnya"]
    miss = [c for c in need if c not in table.columns]
    if miss:
        raise ValueError(f"table lacks column(s) {', '.join(miss)}")
    out = []
    for _, r in table.iterrows():
        if pd.isna(r["mutu"]) or pd.isna(r["mutu_sebelumnya"]):
            continue
        out.append(
            IkmChange(
                str(r["kode_unit"]), str(r["periode_sebelumnya"]), str(r["mutu_sebelumnya"]),
                float(r["ikm_sebelumnya"]), str(r["periode"]), str(r["mutu"]), float(r["ikm"]),
            )
        )
    return tuple(out)


def skm_samples(table: pd.DataFrame) -> tuple[SkmSample, ...]:
    """SKM samples from the output of :func:`mutasi_analysis.ikm.sample_adequacy` (known volumes only)."""
    need = ["kode_unit", "n_responden", "sampel_minimum"]
    miss = [c for c in need if c not in table.columns]
    if miss:
        raise ValueError(f"table lacks column(s) {', '.join(miss)}")
    return tuple(
        SkmSample(str(r["kode_unit"]), int(r["n_responden"]), int(r["sampel_minimum"]))
        for _, r in table.iterrows()
        if not pd.isna(r["sampel_minimum"])
    )


def _outcome_label(imp: ImpactEstimate, lang: str) -> str:
    if imp.outcome_label:
        return imp.outcome_label
    if imp.outcome in LABELS:
        return label(imp.outcome, lang)
    try:  # the services module owns the labels of its panel columns
        from .services import LABELS as SERVICE_LABELS

        if imp.outcome in SERVICE_LABELS:
            return SERVICE_LABELS[imp.outcome][lang]
    except ImportError:  # pragma: no cover - services not installed
        pass
    return imp.outcome


#: Finding ids of the service outcomes (``DAMPAK-RESPON``): short, stable codes a reader can
#: quote, not the column names of the service panel.
OUTCOME_CODES = {
    "respon_hari_kerja_mean": "RESPON", "respon_hari_kerja_median": "RESPON-MEDIAN",
    "penyelesaian_hari_kerja_mean": "SELESAI", "penyelesaian_hari_kerja_median": "SELESAI-MEDIAN",
    "share_tepat_waktu": "TEPAT-WAKTU", "backlog": "TUNGGAKAN",
}


def evaluate(inputs: FindingInputs, config, lang: str = "id") -> pd.DataFrame:
    """Turn results into findings and recommendations.

    Parameters
    ----------
    inputs : FindingInputs
        The facts (plain numbers).
    config : RegionConfig
        Thresholds (``thresholds``) and rotation rules (``rotation``) come from here.
    lang : {"id", "en"}
        Language of the texts.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`; one row per finding, high severity first, then in rule
        order. ``severity`` holds the label (tinggi/sedang/rendah/informasi in Indonesian).
        An empty table (with these columns) when no rule fires.
    """
    if not isinstance(inputs, FindingInputs):
        raise ValueError(f"inputs must be a FindingInputs, got {type(inputs).__name__}")
    if lang not in ("id", "en"):
        raise ValueError(f"unknown language {lang!r}; use one of id, en")
    th, rot = config.thresholds, config.rotation
    rules = {k: v[lang] for k, v in namespace("rule").items()}

    def period_name(pid: str) -> str:  # "2025-S2" -> "Semester II 2025", in the config's period kind
        try:
            return parse_period(pid, config.period.kind).label(lang)
        except Exception:  # a period id the config's kind does not read is shown as written
            return pid
    pct = lambda x: fmt_pct(x, 1, lang)  # noqa: E731
    num = lambda x, d=2: fmt_number(x, d, lang)  # noqa: E731
    rows: list[dict] = []

    def add(fid, severity, topic, key, rule, evidence, **values):
        rows.append(
            {
                "id": fid,
                "severity": severity,
                "topic": label(f"topic_{topic}", lang),
                "text": template(f"{key}.text", lang, **values),
                "recommendation": template(f"{key}.rec", lang, **values),
                "evidence": evidence,
                "rule": rule,
            }
        )

    # staff readiness (the programme document's example)
    if inputs.readiness_answered is not None:
        n, u = inputs.readiness_answered, inputs.readiness_unready
        if n < th.min_cell_size:
            add(
                "KESIAPAN-DATA", "info", "feedback", "unready_few",
                rules["KESIAPAN-DATA"].format(min_cell=th.min_cell_size),
                f"n = {n}", n=n, min_cell=th.min_cell_size,
            )
        elif any(0 < c < th.min_cell_size for c in (u, n - u)):
            # Section 05 would hide a group of fewer than min_cell people (suppression hides
            # 0 < count < min_cell), so no finding may rest on it or reveal it by subtraction.
            add(
                "KESIAPAN-DATA", "info", "feedback", "unready_small",
                rules["KESIAPAN-KECIL"].format(min_cell=th.min_cell_size),
                f"n = {n}", n=n, min_cell=th.min_cell_size,
            )
        elif u / n > th.unready_share_training:
            from statsmodels.stats.proportion import proportion_confint

            # The base and its uncertainty: Wilson's 95% interval (statsmodels).
            lo, hi = proportion_confint(u, n, alpha=0.05, method="wilson")
            add(
                "KESIAPAN", "high", "feedback", "unready_training",
                rules["KESIAPAN"].format(threshold=pct(th.unready_share_training), min_cell=th.min_cell_size),
                f"{u}/{n} = {pct(u / n)}",
                share=pct(u / n), unready=u, n=n, threshold=pct(th.unready_share_training),
                low=pct(lo), high=pct(hi),
            )

    # service impact estimates whose interval excludes zero
    for imp in inputs.impacts:
        if imp.conf_low <= 0 <= imp.conf_high:
            continue
        improved = (imp.estimate < 0) == (imp.better == "lower")
        level = pct(imp.level).replace(",0%", "%").replace(".0%", "%")
        if imp.caveat == "pretrend_rejected":
            # A failed validity check: the difference may predate rotation, so the finding says
            # "inconclusive" and recommends checking the comparison, never acting on the effect.
            add(
                f"DAMPAK-{OUTCOME_CODES.get(imp.outcome, imp.outcome.upper().replace('_', '-'))}", "medium", "service", "impact_inconclusive",
                rules["DAMPAK-TREN"].format(level=level),
                f"{num(imp.estimate)} [{num(imp.conf_low)}; {num(imp.conf_high)}]",
                outcome=_outcome_label(imp, lang), estimate=num(imp.estimate), conf_low=num(imp.conf_low),
                conf_high=num(imp.conf_high), level=level,
            )
            continue
        add(
            f"DAMPAK-{OUTCOME_CODES.get(imp.outcome, imp.outcome.upper().replace('_', '-'))}", "low" if improved else "high", "service",
            "impact_better" if improved else "impact_worse",
            rules["DAMPAK"].format(level=level),
            f"{num(imp.estimate)} [{num(imp.conf_low)}; {num(imp.conf_high)}]",
            outcome=_outcome_label(imp, lang), estimate=num(imp.estimate), conf_low=num(imp.conf_low),
            conf_high=num(imp.conf_high), level=level,
        )

    basis = rot.legal_basis or "-"
    if inputs.rotation_candidates:
        add(
            "KANDIDAT-MUTASI", "medium", "compliance", "rotation_candidates",
            rules["KANDIDAT-MUTASI"].format(max_years=num(rot.max_years_in_post, 0), basis=basis),
            f"n = {inputs.rotation_candidates}", count=inputs.rotation_candidates, max_years=num(rot.max_years_in_post, 0),
        )
    if inputs.min_years_breaks:
        add(
            "MASA-MINIMUM", "medium", "compliance", "min_years_break",
            rules["MASA-MINIMUM"].format(min_years=num(rot.min_years_in_post, 0), basis=basis),
            f"n = {inputs.min_years_breaks}", count=inputs.min_years_breaks, min_years=num(rot.min_years_in_post, 0),
        )
    if inputs.freeze_breaks:
        add(
            "MASA-LARANGAN", "high", "compliance", "freeze_break", rules["MASA-LARANGAN"],
            f"n = {inputs.freeze_breaks}", count=inputs.freeze_breaks,
        )

    # Texts name units as readers know them (the config's name); ids and evidence keep the code.
    names = {u.code: u.name for u in config.units}

    for ch in inputs.ikm_changes:
        if _GRADE_ORDER[ch.mutu] < _GRADE_ORDER[ch.mutu_sebelumnya]:
            add(
                f"IKM-TURUN-{ch.kode_unit}", "medium", "ikm", "ikm_drop", rules["IKM-TURUN"],
                f"{period_name(ch.periode_sebelumnya)}: {num(ch.ikm_sebelumnya)} ({ch.mutu_sebelumnya}); "
                f"{period_name(ch.periode)}: {num(ch.ikm)} ({ch.mutu})",
                unit=names.get(ch.kode_unit, ch.kode_unit), mutu_prev=ch.mutu_sebelumnya, ikm_prev=num(ch.ikm_sebelumnya),
                period_prev=period_name(ch.periode_sebelumnya), mutu=ch.mutu, ikm=num(ch.ikm), period=period_name(ch.periode),
            )

    for s in inputs.skm_samples:
        if s.n_responden < s.required:
            add(
                f"SAMPEL-SKM-{s.kode_unit}", "low", "ikm", "skm_sample", rules["SAMPEL-SKM"],
                f"{s.n_responden} < {s.required}", unit=names.get(s.kode_unit, s.kode_unit), n=s.n_responden, required=s.required,
            )

    if inputs.n_treated_units is not None:
        t, c = inputs.n_treated_units, inputs.n_control_units
        if t < th.min_treated_units or c < th.min_control_units:
            add(
                "UNIT-KURANG", "high", "method", "few_units",
                rules["UNIT-KURANG"].format(min_treated=th.min_treated_units, min_control=th.min_control_units),
                f"{t} / {c}", treated=t, control=c, min_treated=th.min_treated_units, min_control=th.min_control_units,
            )

    out = pd.DataFrame(rows, columns=list(COLUMNS))
    order = {"high": 0, "medium": 1, "low": 2, "info": 3}
    out = out.iloc[sorted(range(len(out)), key=lambda i: order[out["severity"].iat[i]])].reset_index(drop=True)
    out["severity"] = [label(f"severity_{s}", lang) for s in out["severity"]]
    return out.astype("str")
