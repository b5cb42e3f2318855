"""What each report section records: typed, versioned models of the results files.

Every report notebook ends with one ``record(...)`` call that writes ``<notebook>.json``. The
summary notebook, ``reports/index.html``, the Excel and PDF exports and the tests read those
files, so their layout is a contract; it is written down here, once, as pydantic models:

========================  ==========================  ===========================================
notebook                  model                       read by
========================  ==========================  ===========================================
``00_ringkasan``          :class:`SummaryRecord`      index, Excel (findings sheet), tests
``01_kualitas_data``      :class:`QualityRecord`      PDF appendix, index, tests
``02_mutasi``             :class:`RotationRecord`     summary (compliance), Excel, index, tests
``03_dampak_layanan``     :class:`ImpactRecord`       summary (impact finding), Excel, tests
``04_ikm``                :class:`IkmRecord`          summary (IKM findings), Excel, index, tests
``05_umpan_balik_asn``    :class:`FeedbackRecord`     summary (readiness finding), Excel, tests
``06_perencanaan``        :class:`PlanRecord`         Excel (its tables), index, tests
``01_gabungan``           :class:`PooledRecord`       Excel (its tables), index, tests (the pooled
                                                      report, ``notebooks/gabungan/``)
any other ``NN_name``     :class:`SectionRecord`      index, Excel (its ``tables``), PDF
========================  ==========================  ===========================================

A researcher's own notebook records a :class:`SectionRecord`: ``period``, optional ``title``,
``headline`` numbers and ``tables`` are understood by the report; other keys are kept as they
are. The built-in sections' models forbid unknown keys, so a renamed field fails when it is
written, not later in the summary.

Records are validated when written (:func:`validate_record`, called by
:func:`mutasi_analysis.record.record`) and when read. :data:`RECORD_SCHEMA` is the version of
this contract; a file of another version is refused with a message saying to render again.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import MutasiError

__all__ = [
    "RECORD_SCHEMA", "Headline", "SectionRecord", "QualityRecord", "RotationRecord", "Compliance",
    "ImpactRecord", "GroupTimeEffect", "IkmRecord", "IkmUnit", "IkmChangeRow", "FeedbackRecord",
    "PlanRecord", "PlanPower", "PooledRecord", "SummaryRecord", "MODELS", "POOLED_MODELS", "model_for", "validate_record", "RecordError",
]

#: Version of the results-file layout. Version 1 was the untyped dict of the first round.
RECORD_SCHEMA = 3

_PERIOD = r"^\d{4}(-(S[12]|Q[1-4]|(0[1-9]|1[0-2])))?$"
Scalar = int | float | str | bool | None


class RecordError(MutasiError, ValueError):
    """A record that does not match its model; the message names the notebook and the fields."""

    def __init__(self, message: str):
        super().__init__(message, exit_code=2)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Headline(_Model):
    """A headline number: its label in the report language, its value (None = not available),
    and which direction is better (``"higher"``, ``"lower"``, or None for a count with no good side)."""

    label: str
    value: Scalar = None
    better: Literal["higher", "lower"] | None = None


class SectionRecord(BaseModel):
    """What every section records; a researcher's notebook may add keys of its own.

    Attributes
    ----------
    period : str
        The period id the numbers are for (``2026-S1``).
    lang : {"id", "en"}
        Language of the labels and texts in the record.
    title : str, optional
        The section's title, shown in the index and the PDF contents (otherwise the first
        heading of the rendered notebook, else its name).
    headline : dict of Headline
        Numbers shown side by side per period in ``reports/index.html`` and the summary's trend.
    tables : dict
        Tables for the Excel and PDF exports (:func:`~mutasi_analysis.reporting.tables.table_payload`).
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    period: str = Field(pattern=_PERIOD)
    lang: Literal["id", "en"] = "id"
    title: str | None = None
    headline: dict[str, Headline] = Field(default_factory=dict)
    tables: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("headline", mode="before")
    @classmethod
    def _plain_headline(cls, v: Any) -> Any:
        # ``{"IKM": 81.5}`` is shorthand for ``{"IKM": {"label": "IKM", "value": 81.5}}``.
        if isinstance(v, dict):
            return {k: (h if isinstance(h, dict) else {"label": str(k), "value": h}) for k, h in v.items()}
        return v

    @field_validator("tables")
    @classmethod
    def _payloads(cls, v: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from .reporting.tables import check_payload

        for tid, payload in v.items():
            if payload.get("kind") == "table":  # other mappings may share the key; only tables are exported
                check_payload(payload, f"table {tid!r}")
        return v


class _Builtin(SectionRecord):
    model_config = ConfigDict(extra="forbid", frozen=True)


Rows = list[dict[str, Any]]


# ------------------------------------------------------------------------------------ 01
class IngestCounts(_Model):
    read: int = Field(ge=0)
    accepted: int = Field(ge=0)
    rejected: int = Field(ge=0)


class QualityRecord(_Builtin):
    """``01_kualitas_data``: what ingestion read, accepted and rejected, and coverage per unit."""

    ingest_tables: dict[str, IngestCounts]
    rejects_by_reason: dict[str, int]
    coverage: Rows
    units_missing_data: list[str]


# ------------------------------------------------------------------------------------ 02
class Compliance(_Model):
    """Rotation-rule counts of the period (``rotation.compliance_summary``)."""

    rotation_candidates: int = Field(ge=0)
    min_years_breaks: int = Field(ge=0)
    freeze_breaks: int = Field(ge=0)
    min_years_to_date: int = Field(ge=0)
    freeze_to_date: int = Field(ge=0)


class RotationRecord(_Builtin):
    """``02_mutasi``: moves between units, compliance and knowledge spread."""

    total_in: int = Field(ge=0)
    total_out: int = Field(ge=0)
    per_unit: Rows
    compliance: Compliance
    candidates_file: str
    knowledge_spread: Rows


# ------------------------------------------------------------------------------------ 03
class GroupTimeEffect(_Model):
    cohort: str
    event_time: int
    post: bool
    estimate: float | None
    conf_low: float | None
    conf_high: float | None


class ImpactRecord(_Builtin):
    """``03_dampak_layanan``: the staggered difference-in-differences estimate and its checks."""

    status: str
    outcome: str
    att: float | None
    conf_low: float | None
    conf_high: float | None
    alpha: float
    inference: str | None
    analytic_conf_low: float | None
    analytic_conf_high: float | None
    facts: dict[str, Any] | None
    n_units: int | None
    n_treated: int | None
    n_never: int | None
    # comparison units of the group used (never-rotated, or not-yet-rotated as a fallback);
    # None in records written before it was recorded
    n_control: int | None = None
    control: str | None
    att_gt: list[GroupTimeEffect]
    event_study: Rows
    twfe: float | None
    sun_abraham: dict[str, float | None] | None
    bacon: Rows
    wild_bootstrap_p: float | None
    randomization_p: float | None
    agrees: bool | None
    verdict: dict[str, str]
    # {"randomization": {"n", "enumerated", "term"} | None, "wild_bootstrap": {"n", "enumerated"} | None}:
    # the draws the tests used; None in records written before it was recorded
    draws: dict[str, dict[str, Any] | None] | None = None
    pretrend_p: float | None = None
    pretrend_usable: bool | None = None
    pretrend_size: float | None = None
    sensitivity: dict[str, Any] | None = None
    mde: float | None = None
    mde_se: float | None = None
    power_curve: Rows = []


# ------------------------------------------------------------------------------------ 04
class IkmUnit(_Model):
    kode_unit: str
    n_responden: int = Field(ge=0)
    ikm: float | None
    mutu: str | None
    sampel_minimum: int | None
    memadai: bool | None


class IkmChangeRow(BaseModel):
    """A row of ``ikm.compare_periods`` (other columns of that table are kept)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    kode_unit: str
    periode: str
    periode_sebelumnya: str
    ikm: float | None
    ikm_sebelumnya: float | None
    mutu: str | None
    mutu_sebelumnya: str | None


class IkmRecord(_Builtin):
    """``04_ikm``: the IKM of the region and of every unit (PermenPANRB 14/2017)."""

    ikm: float | None
    mutu: str | None
    n_responden: int = Field(ge=0)
    units: list[IkmUnit]
    changes: list[IkmChangeRow]
    weakest: Rows
    inadequate_sample: list[str]


# ------------------------------------------------------------------------------------ 05
class FeedbackRecord(_Builtin):
    """``05_umpan_balik_asn``: readiness and training needs of rotated staff (suppressed when few)."""

    sheets: int | None
    answered: int = Field(ge=0)
    unready: int | None
    share_unready: float | None = Field(ge=0, le=1)
    share_training: float | None = Field(ge=0, le=1)
    culture_adaptation_mean: float | None
    suppressed: bool
    training_recommended: bool
    by_group: dict[str, Rows]
    training_link: dict[str, Any]


# ------------------------------------------------------------------------------------ 06
class PlanPower(_Model):
    """Minimum detectable effect of a rollout (in the headline outcome's unit) and its Monte Carlo SE."""

    mde: float | None
    mde_se: float | None


class PlanRecord(_Builtin):
    """``06_perencanaan``: the proposed next wave (counts only; the list of moves is restricted).

    ``available`` is False when there is nothing to plan against (no ``formasi`` table); then
    ``reason`` says so and the counts are None. ``feasible`` is False when no plan satisfies the
    rules and caps; ``infeasible`` then names the binding constraint and there are no moves.
    """

    available: bool
    reason: str | None = None
    plan_period: str = Field(pattern=_PERIOD)
    as_of: str | None = None
    first_wave: str | None = None
    formasi_year: int | None = None
    staff: int | None = Field(None, ge=0)
    eligible: int | None = Field(None, ge=0)
    overdue: int | None = Field(None, ge=0)
    overdue_eligible: int | None = Field(None, ge=0)
    excluded: dict[str, int] = Field(default_factory=dict)
    gap_before: int | None = Field(None, ge=0)
    feasible: bool | None = None
    infeasible: str | None = None
    pairs_blocked: dict[str, int] = Field(default_factory=dict)
    waves: dict[str, list[str]] = Field(default_factory=dict)
    seed: int | None = None
    power_random: PlanPower | None = None
    power_need_order: PlanPower | None = None
    power_reason: str | None = None
    moves: int | None = Field(None, ge=0)
    moves_per_wave: dict[str, int] = Field(default_factory=dict)
    moves_overdue: int | None = Field(None, ge=0)
    units_without_moves: list[str] = Field(default_factory=list)
    moves_new_unit: int | None = Field(None, ge=0)
    gap_after: int | None = Field(None, ge=0)
    training: int | None = Field(None, ge=0)
    objective: float | None = None
    unready_groups: Rows = Field(default_factory=list)
    plan_file: str | None = None


# ---------------------------------------------------------------------- pooled report 01
class PooledRecord(_Builtin):
    """``01_gabungan``: the pooled analysis of many regions (``notebooks/gabungan/``, rendered by
    ``mutasi batch`` from the pooled inputs of :func:`mutasi_analysis.pooled.write_pooled_inputs`).

    Codes and numbers only. ``att``, ``conf_low``, ``conf_high`` and ``pvalue`` are the pooled
    simple ATT with its office-clustered inference; ``conf_low_region`` and ``conf_high_region``
    the region-clustered check (t with G - 1 df); all None when ``did_error`` says why the
    stacked panel could not be estimated. ``window`` holds the common months compared
    (``start``, ``end`` as ``YYYY-MM``, ``months``, ``align``). ``by_region`` is each region's
    own effect and its shrunken one (:func:`mutasi_analysis.reporting.pooled_pages.effects_table`);
    ``not_estimated`` maps a region code to the reason code its own effect was not estimated
    (:data:`mutasi_analysis.pooled.NOT_ESTIMATED_REASONS`). The league tables are recorded after
    small-cell suppression (a hidden count or value is None).
    """

    outcome: str
    regions: list[str]
    n_regions: int = Field(ge=1)
    n_units: int = Field(ge=0)
    window: dict[str, Any]
    did_error: str | None = None
    att: float | None
    conf_low: float | None
    conf_high: float | None
    pvalue: float | None
    conf_low_region: float | None = None
    conf_high_region: float | None = None
    alpha: float
    control: str | None
    n_units_did: int | None = Field(None, ge=0)
    n_treated: int | None = Field(None, ge=0)
    n_control: int | None = Field(None, ge=0)
    excluded_units: dict[str, str] = Field(default_factory=dict)
    inference: Rows
    event_study: Rows
    tau2: float | None
    re_mean: float | None
    i2: float | None = None
    by_region: Rows
    not_estimated: dict[str, str] = Field(default_factory=dict)
    league_ikm: Rows
    league_kepatuhan: Rows
    min_cell_size: int = Field(ge=1)


# ------------------------------------------------------------------------------------ 00
class SummaryRecord(_Builtin):
    """``00_ringkasan``: findings from the other sections of the same period, and the trend."""

    findings: Rows
    sections: list[str]
    missing_sections: list[str]
    headline_count: int = Field(ge=0)
    periods_in_trend: list[str]
    trend_commits: dict[str, str | None] = Field(default_factory=dict)


#: Model of each built-in section, by notebook name.
MODELS: dict[str, type[SectionRecord]] = {
    "00_ringkasan": SummaryRecord,
    "01_kualitas_data": QualityRecord,
    "02_mutasi": RotationRecord,
    "03_dampak_layanan": ImpactRecord,
    "04_ikm": IkmRecord,
    "05_umpan_balik_asn": FeedbackRecord,
    "06_perencanaan": PlanRecord,
}
#: Model of each section of the pooled report (``notebooks/gabungan/``), apart from
#: :data:`MODELS` so that a region's report never expects them.
POOLED_MODELS: dict[str, type[SectionRecord]] = {
    "01_gabungan": PooledRecord,
}
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def model_for(notebook: str) -> type[SectionRecord]:
    """The model a notebook's record must follow (:class:`SectionRecord` for a new notebook)."""
    return MODELS.get(notebook) or POOLED_MODELS.get(notebook, SectionRecord)


def validate_record(notebook: str, results: dict[str, Any], where: str | None = None) -> SectionRecord:
    """Check a notebook's results (plain JSON types) against its model.

    Parameters
    ----------
    notebook : str
        Notebook name, e.g. ``"04_ikm"``.
    results : dict
        The results, already converted by :func:`mutasi_analysis.record.to_jsonable`.
    where : str, optional
        File name for the message.

    Returns
    -------
    SectionRecord
        The typed record.

    Raises
    ------
    RecordError
        Listing every field that is missing, unknown or of the wrong type.
    """
    if not isinstance(notebook, str) or not _NAME.match(notebook):
        raise RecordError(f"notebook name {notebook!r} must be a plain name like '04_ikm'")
    model = model_for(notebook)
    try:
        return model.model_validate(results)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e['loc']) or '(record)'}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()[:8]
        )
        more = "" if exc.error_count() <= 8 else f" (and {exc.error_count() - 8} more)"
        raise RecordError(
            f"{where or notebook}: the record does not match {model.__name__} "
            f"(mutasi_analysis.sections): {problems}{more}"
        ) from None
