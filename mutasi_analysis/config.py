"""Region configuration: load, validate, typed access.

A region (a kecamatan, or a whole kota) is a TOML file, not code; the project names its own in
``pyproject.toml`` (``[tool.mutasi] region``). Loading validates the whole file with pydantic and
reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError

__all__ = [
    "UNIT_TYPES",
    "PERIOD_KINDS",
    "Unit",
    "FreezeWindow",
    "Limits",
    "PlanningSettings",
    "RegionConfig",
    "load_config",
]

UNIT_TYPES = ("kantor_camat", "kantor_kelurahan", "puskesmas", "pustu")
PERIOD_KINDS = ("semester", "quarter", "month", "year")
TREATMENT_DEFINITIONS = ("share_rotated_in", "first_rotation", "head_rotated")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(_Strict):
    code: str = Field(min_length=1, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1)
    parent: str = ""
    province: str = ""


class PeriodSettings(_Strict):
    kind: Literal["semester", "quarter", "month", "year"] = "semester"


class Unit(_Strict):
    code: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1)
    type: Literal["kantor_camat", "kantor_kelurahan", "puskesmas", "pustu"]
    kelurahan: str = ""
    # Service recipients per year: the population N of the Krejcie-Morgan SKM sample size.
    annual_service_volume: int | None = Field(None, gt=0)
    # SIASN's unit ids (unorId) for this office: an export that names units by SIASN id is
    # read as this code. SIASN ids are long opaque strings no one would use as a code.
    siasn_ids: tuple[Annotated[str, Field(min_length=1, pattern=r"^\S+$")], ...] = ()


class FreezeWindow(_Strict):
    start: dt.date
    end: dt.date
    legal_basis: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"freeze window ends ({self.end}) before it starts ({self.start})")
        return self

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the window (both ends included)."""
        return self.start <= day <= self.end


class RotationRules(_Strict):
    min_years_in_post: float = Field(2.0, gt=0)
    max_years_in_post: float = Field(5.0, gt=0)
    legal_basis: str = ""
    freeze_windows: tuple[FreezeWindow, ...] = ()
    equalisation_start: dt.date = dt.date(2021, 1, 1)
    equalisation_end: dt.date = dt.date(2021, 12, 31)

    # A field validator (not a model one) so that it still runs when another field fails.
    @field_validator("max_years_in_post")
    @classmethod
    def _bounds(cls, value, info):
        low = info.data.get("min_years_in_post")
        if low is not None and value <= low:
            raise ValueError(f"max_years_in_post ({value}) must be greater than min_years_in_post ({low})")
        return value


class ServiceSettings(_Strict):
    response_target_working_days: int = Field(5, ge=1)
    cuti_bersama: tuple[dt.date, ...] = ()


class TreatmentSettings(_Strict):
    definition: Literal["share_rotated_in", "first_rotation", "head_rotated"] = "share_rotated_in"
    share_threshold: float = Field(0.25, gt=0, le=1)


class Thresholds(_Strict):
    min_cell_size: int = Field(5, ge=1)
    unready_share_training: float = Field(0.30, ge=0, le=1)
    min_treated_units: int = Field(3, ge=1)
    min_control_units: int = Field(3, ge=1)
    alpha: float = Field(0.05, gt=0, lt=0.5)


class ReportSettings(_Strict):
    # Also write laporan-<period>.pdf (WeasyPrint) when ``mutasi report`` runs without --pdf/--no-pdf.
    pdf: bool = False
    # Report language when ``mutasi report`` runs without --lang.
    lang: Literal["id", "en"] = "id"


class Limits(_Strict):
    """What a raw file may hold before it is refused unread (``[limits]``; every key optional).

    The defaults admit any honest export (Excel's own sheet limit is 1,048,576 rows by 16,384
    columns; the benchmarks ingest millions of complaint rows) and refuse crafted files (an
    XLSX declaring a cell at ``XFD1048576``, a 13 KB zip that inflates to gigabytes) before a
    reader allocates memory for them.
    """

    max_file_mb: int = Field(1024, ge=1)           # size of one raw file on disk
    max_rows: int = Field(10_000_000, ge=1)        # data rows of one table (header excluded)
    max_columns: int = Field(500, ge=1)            # columns of one table (CSV header, XLSX sheet width)
    max_cells: int = Field(50_000_000, ge=1)       # rows x columns an XLSX sheet may declare
    max_cell_kb: int = Field(64, ge=1)             # one cell (a komentar, a name)
    max_line_kb: int = Field(1024, ge=1, validate_default=True)  # one line of a CSV file
    max_sheets: int = Field(50, ge=1)              # sheets of one XLSX workbook
    max_uncompressed_mb: int = Field(2048, ge=1)   # everything an XLSX workbook unpacks to

    @field_validator("max_line_kb")
    @classmethod
    def _line_holds_a_cell(cls, value, info):
        cell = info.data.get("max_cell_kb")
        if cell is not None and value < cell:
            raise ValueError(f"max_line_kb ({value}) must be at least max_cell_kb ({cell}): a line holds its cells")
        return value


class RetirementAges(_Strict):
    """Retirement age (batas usia pensiun) by position group (``schemas.POSITION_GROUPS``)."""

    struktural: int = Field(58, ge=40, le=75)
    fungsional: int = Field(58, ge=40, le=75)
    pelaksana: int = Field(58, ge=40, le=75)


class PlanningWeights(_Strict):
    """Objective weights of the proposed assignment (``[planning.weights]``); see planning.py.

    ``new_unit`` must be below ``move``: going somewhere new never justifies a move on its own
    (it breaks ties towards knowledge spread), while a move of someone past the maximum years
    may pay for itself (``overdue``), since the rule says they should rotate.
    """

    gap: float = Field(10.0, ge=0)        # per staff short of the requirement, after the moves
    surplus: float = Field(1.0, ge=0)     # per staff above the requirement, after the moves
    new_unit: float = Field(0.5, ge=0)    # reward: a person goes to a unit they never served in
    overdue: float = Field(3.0, ge=0)     # reward: a person past max_years_in_post moves
    move: float = Field(1.0, gt=0)        # cost of any move (no move for its own sake)

    @model_validator(mode="after")
    def _no_move_for_novelty(self):
        if self.new_unit >= self.move:
            raise ValueError(f"new_unit ({self.new_unit:g}) must be below move ({self.move:g}): otherwise staff "
                             "would be moved only because the unit is new to them")
        return self


class TrainingCourse(_Strict):
    """The course for an unready group: ``column`` (jenis_unit, golongan, kelompok_jabatan) = ``value``."""

    column: Literal["jenis_unit", "golongan", "kelompok_jabatan"]
    value: str = Field(min_length=1)
    course: str = Field(min_length=1)


class PlanningSettings(_Strict):
    """The next rotation wave (``[planning]``): rules beyond ``[rotation]``, caps, rollout, weights."""

    n_waves: int = Field(3, ge=1, le=12)
    wave_spacing_months: int = Field(2, ge=1, le=12)
    max_moves_per_wave: int = Field(12, ge=1)
    max_moves_in_per_unit: int = Field(3, ge=0)
    max_moves_out_per_unit: int = Field(3, ge=0)
    # true: every eligible person past max_years_in_post must be proposed a move (the rule says
    # "at most"); false: they are preferred by the weight `overdue`, within the caps.
    overdue_must_move: bool = False
    # Staff who leave or reach retirement age within this many months of the first wave stay put.
    horizon_months: int = Field(12, ge=0, le=120)
    retirement_age: RetirementAges = RetirementAges()
    retirement_legal_basis: str = "UU 20/2023; PP 11/2017 jo. PP 17/2020 Pasal 239 (batas usia pensiun)"
    # A person may not be sent back to a unit they left less than this many years before the move.
    no_return_years: float = Field(2.0, ge=0)
    no_return_basis: str = "kebijakan daerah (pola karier)"
    pppk_may_move: bool = False
    pppk_legal_basis: str = "PP 49/2018 (PPPK bekerja pada jabatan dan unit sesuai perjanjian kerja)"
    acting_legal_basis: str = "SE Kepala BKN 1/2021 (Plt/Plh)"
    # An acting assignment (PLT/PLH/PJ) counts as still held for this many months after its start
    # (the data hold no end date; SE BKN 1/2021: three months, extendable by three).
    acting_months: int = Field(6, ge=1, le=60)
    # Training ends at least this many months before the move.
    training_lead_months: int = Field(1, ge=0, le=12)
    default_course: str = Field("Orientasi Tugas Jabatan Baru", min_length=1)
    training: tuple[TrainingCourse, ...] = ()
    # The evaluation window of the rollout's power: months observed before the first wave and
    # after the last one.
    baseline_months: int = Field(12, ge=2, le=120)
    followup_months: int = Field(6, ge=1, le=120)
    seed: int = Field(20260701, ge=0)
    weights: PlanningWeights = PlanningWeights()


class RegionConfig(_Strict):
    """A validated region configuration.

    Attributes
    ----------
    region, period, units, rotation, services, treatment, thresholds, report, limits, planning
        Sections of the TOML file, validated and typed.
    source : Path or None
        The file it was loaded from.
    """

    region: Region
    period: PeriodSettings = PeriodSettings()
    units: tuple[Unit, ...] = Field(min_length=1)
    rotation: RotationRules = RotationRules()
    services: ServiceSettings = ServiceSettings()
    treatment: TreatmentSettings = TreatmentSettings()
    thresholds: Thresholds = Thresholds()
    report: ReportSettings = ReportSettings()
    limits: Limits = Limits()
    planning: PlanningSettings = PlanningSettings()
    source: Path | None = None

    @field_validator("units")
    @classmethod
    def _unique_codes(cls, units):
        seen, dup = set(), []
        for u in units:
            if u.code in seen:
                dup.append(u.code)
            seen.add(u.code)
        if dup:
            raise ValueError(f"duplicate unit codes: {', '.join(sorted(set(dup)))}")
        # A SIASN id names one unit, and never another unit's code (codes match case-insensitively).
        owner = {u.code.casefold(): u.code for u in units}
        for u in units:
            for sid in u.siasn_ids:
                other = owner.setdefault(sid.casefold(), u.code)
                if other != u.code:
                    raise ValueError(f"siasn_ids {sid!r} of unit {u.code} is already "
                                     f"{'the code' if other.casefold() == sid.casefold() else 'a SIASN id'} "
                                     f"of unit {other}")
        return units

    @property
    def unit_codes(self) -> tuple[str, ...]:
        """Unit codes in configuration order."""
        return tuple(u.code for u in self.units)

    @property
    def unit_aliases(self) -> dict[str, str]:
        """Other names of units in raw exports (SIASN unit ids, ``siasn_ids``) -> unit code."""
        return {sid: u.code for u in self.units for sid in u.siasn_ids}

    def unit(self, code: str) -> Unit:
        """The unit with this code; :class:`ConfigError` naming the known codes otherwise."""
        for u in self.units:
            if u.code == code:
                return u
        raise ConfigError(
            f"unit code {code!r} is not in the region config {self.source or ''}; "
            f"known codes: {', '.join(self.unit_codes)}"
        )

    def units_frame(self):
        """Units as a DataFrame with the raw-contract column names."""
        import pandas as pd

        return pd.DataFrame(
            {
                "kode_unit": [u.code for u in self.units],
                "nama_unit": [u.name for u in self.units],
                "jenis_unit": [u.type for u in self.units],
                "kelurahan": [u.kelurahan for u in self.units],
            }
        )

    def freeze_window_at(self, day: dt.date) -> FreezeWindow | None:
        """The freeze window containing ``day``, if any."""
        for w in self.rotation.freeze_windows:
            if w.contains(day):
                return w
        return None


def _format_errors(path: Path, err: ValidationError) -> str:
    lines = [f"region config {path} has {err.error_count()} problem(s):"]
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        lines.append(f"  - {loc}: {e['msg']}")
    lines.append("Fix these entries and run again (see config/alak.toml for a complete example).")
    return "\n".join(lines)


def load_config(path: str | Path | None = None) -> RegionConfig:
    """Load and validate a region configuration.

    Parameters
    ----------
    path : str or Path, optional
        The TOML file; default the project's (``[tool.mutasi] region``, see
        :mod:`mutasi_analysis.project`).

    Returns
    -------
    RegionConfig

    Raises
    ------
    ConfigError
        When the file is missing, is not valid TOML, or fails validation; the message lists
        every problem at once.
    """
    from .project import resolve_path

    path = resolve_path(path, "region")
    if not path.is_file():
        raise ConfigError(f"region config {path} not found; pass --region with the path to a TOML file")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"region config {path} is not valid TOML: {exc}") from None
    try:
        return RegionConfig.model_validate({**raw, "source": path})
    except ValidationError as exc:
        raise ConfigError(_format_errors(path, exc)) from None
