"""Impact of rotation on public service: the glue between the domain tables and ``did``.

:func:`build_panel` joins the monthly service panel (:mod:`mutasi_analysis.services`) to each
unit's treatment cohort (:func:`mutasi_analysis.rotation.treatment_cohorts`) into a balanced
unit x month panel. :func:`analyse` runs the staggered difference-in-differences of
:mod:`mutasi_analysis.did` on it (Callaway-Sant'Anna group-time effects and their
aggregations, event study, TWFE with the Goodman-Bacon decomposition as a diagnostic, a wild
cluster bootstrap and randomization inference as few-cluster checks) and returns an immutable
:class:`ImpactResult` with a plain-language verdict in Indonesian and English.

Too few treated or control units (thresholds from the config) give an explicit
``status="not_enough_data"`` result, not an exception and not NaN.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Mapping, Sequence

import numpy as np
import pandas as pd

from . import did
from . import text as _text
from .config import RegionConfig
from .did._results import renamed_keyword  # the package-wide way of renaming a keyword
from .rotation import month_label, treatment_cohorts
from .services import monthly_panel

__all__ = ["OUTCOMES", "LABELS", "METHODS", "NOTE_CODES", "Note", "VERDICT_CODES", "VERDICT_REASONS", "Verdict", "ImpactResult", "build_panel", "treatment_timing",
           "raw_trends", "analyse", "sensitivity", "next_wave_power", "SENSITIVITY_MBAR"]

#: Outcomes that can be analysed, with the direction that means better service.
OUTCOMES = {
    "respon_hari_kerja_mean": {"better": "lower"},
    "respon_hari_kerja_median": {"better": "lower"},
    "penyelesaian_hari_kerja_mean": {"better": "lower"},
    "penyelesaian_hari_kerja_median": {"better": "lower"},
    "share_tepat_waktu": {"better": "higher", "percent": True},  # verdict in percentage points
    "backlog": {"better": "lower"},
}

#: Indonesian and English labels of the panel and result fields this module adds.
LABELS = _text.labels('cohort', 'treated', 'bulan', 'status', 'ok', 'not_enough_data', 'estimate', 'ci', 'control_never', 'control_notyet', 'kelompok', 'never', 'n_unit')

_KINDS = ("simple", "group", "event", "calendar")
#: Grid of Mbar for the relative-magnitudes sensitivity (R HonestDiD's range, in steps of 0.1).
SENSITIVITY_MBAR = tuple(round(0.1 * k, 1) for k in range(21))

#: Codes of :class:`Note` and the parameters each carries; the words (Indonesian, English) are
#: chosen at the presentation layer (:func:`mutasi_analysis.text.note_text`).
NOTE_CODES = {
    "not_run": ("method", "detail"),            # a method could not run with these data
    "warning": ("method", "detail"),            # a method ran and warned
    "missing_outcome": ("n", "outcome"),        # unit-months without a value, left out
    "balanced_subset": ("n_kept", "n_units"),   # bacon / randomization on the balanced units
    "control_notyet": ("n_never", "min_control"),  # fallback to not-yet-treated controls
    "ri_statistic_twfe": (),                    # randomization inference on the TWFE coefficient
    "headline_analytic": (),                    # headline from the analytic SE (no RI on the ATT)
}


@dataclass(frozen=True)
class Note:
    """A language-free note of :func:`analyse`: a code from :data:`NOTE_CODES` and its parameters.

    ``detail`` (for ``not_run`` and ``warning``) is the estimator's own technical message, kept
    as the statistics package wrote it; everything around it is worded by the presentation
    layer. ``str(note)`` is a plain English line for logs and developers.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    _KIND: ClassVar[str] = "note"

    def _codes(self) -> Mapping[str, tuple]:
        return NOTE_CODES

    def __post_init__(self):
        codes = self._codes()
        if self.code not in codes:
            raise ValueError(f"unknown {self._KIND} code {self.code!r}; choose one of {sorted(codes)}")
        missing = [k for k in codes[self.code] if k not in self.params]
        if missing:
            raise ValueError(f"{self._KIND} {self.code!r} needs parameter(s) {missing}")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def __str__(self) -> str:
        from .text import note_text

        return note_text(self, "en")

    def to_dict(self) -> dict:
        """``{"code": ..., **params}`` as plain JSON values."""
        return {"code": self.code, **_plain(dict(self.params))}


#: Codes of :class:`Verdict` and the parameters each needs.
VERDICT_CODES = {
    "estimate": ("outcome", "definition", "threshold", "alpha", "better", "percent", "estimate", "conf_low",
                 "conf_high", "baseline", "inference", "n_treated", "n_control", "control", "pretrend_p",
                 "ri_p", "ri_term", "wcb_p", "analytic_p", "agrees"),
    "not_enough_data": ("outcome", "definition", "threshold", "reason"),
}
#: Reasons of a ``not_enough_data`` verdict.
VERDICT_REASONS = ("few_treated", "few_control", "no_post_cells")


@dataclass(frozen=True)
class Verdict(Note):
    """The verdict of :func:`analyse` as numbers and codes: what the headline sentence says.

    ``code`` is ``"estimate"`` (parameters: the estimate, its interval and inference method,
    the baseline, the counts, the size-checked pre-trend p-value or None, the second opinions'
    p-values and whether they agree) or ``"not_enough_data"`` (with a ``reason`` from
    :data:`VERDICT_REASONS`). :func:`mutasi_analysis.text.verdict_text` words it; ``str()`` is
    the English sentence.
    """

    _KIND: ClassVar[str] = "verdict"

    def _codes(self) -> Mapping[str, tuple]:
        return VERDICT_CODES

    def __post_init__(self):
        super().__post_init__()
        if self.code == "not_enough_data" and self.params["reason"] not in VERDICT_REASONS:
            raise ValueError(f"unknown reason {self.params['reason']!r}; choose one of {VERDICT_REASONS}")

    def __str__(self) -> str:
        return _text.verdict_text(self, "en")
#: Method keys of :meth:`ImpactResult.methods_table`, in its row order.
METHODS = ("twfe", "callaway_santanna", "sun_abraham")


# --------------------------------------------------------------------------------------
# panel
# --------------------------------------------------------------------------------------
def build_panel(
    complaints: pd.DataFrame,
    riwayat: pd.DataFrame,
    config: RegionConfig,
    outcome: str = "respon_hari_kerja_mean",
    definition: str | None = None,
    threshold: float | None = None,
    start=None,
    end=None,
    data_end=None,
) -> pd.DataFrame:
    """Balanced unit x month panel of a service outcome with each unit's treatment cohort.

    Parameters
    ----------
    complaints : DataFrame
        Processed ``pengaduan``.
    riwayat : DataFrame
        Processed ``riwayat_jabatan``.
    config : RegionConfig
    outcome : str, default "respon_hari_kerja_mean"
        A column of the monthly service panel; one of :data:`OUTCOMES`.
    definition : str, optional
        Treatment definition (default from the config); see
        :func:`~mutasi_analysis.rotation.treatment_cohorts`.
    threshold : float, optional
        Share threshold for ``share_rotated_in`` (default from the config).
    start, end : date-like, optional
        First and last month of the panel; default from the first complaint to ``data_end``.
        Cohorts are searched inside this window only, so rotations before it do not count.
    data_end : date-like, optional
        End of the complaint data (see :func:`mutasi_analysis.services.complaint_times`).

    Returns
    -------
    DataFrame
        One row per config unit and month: ``kode_unit, t, bulan``, every service panel
        column, ``cohort`` (integer month, 0 = never treated) and ``treated`` (0/1: t >=
        cohort > 0). ``attrs`` holds outcome, definition, threshold, data_end.
        Unit-months without any complaint have a missing time outcome (``n_respon`` = 0);
        :func:`analyse` reports how many it leaves out.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}")
    sp = monthly_panel(complaints, config, start=start, end=end, data_end=data_end)
    t0, t1 = int(sp["t"].min()), int(sp["t"].max())
    first_day = pd.Timestamp(t0 // 12, t0 % 12 + 1, 1)
    last_day = pd.Timestamp(t1 // 12, t1 % 12 + 1, 1) + pd.offsets.MonthEnd(0)
    tc = treatment_cohorts(riwayat, config, definition=definition, threshold=threshold, start=first_day, end=last_day)
    panel = sp.rename(columns={"periode": "bulan"}).merge(tc[["kode_unit", "cohort"]], on="kode_unit", how="left",
                                                          validate="many_to_one")
    panel["treated"] = ((panel["cohort"] > 0) & (panel["t"] >= panel["cohort"])).astype("int64")
    panel = panel.sort_values(["kode_unit", "t"], kind="stable").reset_index(drop=True)
    panel.attrs.update({
        "outcome": outcome,
        "definition": str(tc["definition"].iloc[0]),
        "threshold": None if pd.isna(tc["threshold"].iloc[0]) else float(tc["threshold"].iloc[0]),
        "data_end": sp.attrs.get("data_end"),
    })
    return panel


def treatment_timing(panel: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Each unit's first treated month, as a label: the table shown before any estimate.

    Parameters
    ----------
    panel : DataFrame
        From :func:`build_panel` (``kode_unit``, ``cohort``).
    lang : {"id", "en"}
        Language of the never-rotated label (``LABELS["never"]``, as in :func:`raw_trends`).

    Returns
    -------
    DataFrame
        One row per unit in panel order: ``kode_unit`` and ``cohort``, the ``YYYY-MM`` of the
        first treated month or the never-rotated label.
    """
    for c in ("kode_unit", "cohort"):
        if c not in panel.columns:
            raise ValueError(f"panel lacks column {c!r}: build it with impact.build_panel")
    never = LABELS["never"][lang]
    units = panel.drop_duplicates("kode_unit")
    return pd.DataFrame({
        "kode_unit": units["kode_unit"].astype(str).to_numpy(),
        "cohort": [month_label(int(c)) if c > 0 else never for c in units["cohort"]],
    })


def raw_trends(panel: pd.DataFrame, outcome: str | None = None, lang: str = "id") -> pd.DataFrame:
    """Raw outcome trends per cohort group and month, for the plot shown before any estimate.

    Parameters
    ----------
    panel : DataFrame
        From :func:`build_panel`.
    outcome : str, optional
        Default ``panel.attrs["outcome"]``.
    lang : {"id", "en"}
        Language of the never-treated group's label.

    Returns
    -------
    DataFrame
        ``kelompok`` (the cohort's ``YYYY-MM``, or the never-rotated label), ``cohort``, ``t``,
        ``bulan``, ``mean`` (plain mean over the group's units that have a value that month)
        and ``n_unit`` (how many units that is).
    """
    outcome = outcome or panel.attrs.get("outcome")
    if outcome is None or outcome not in panel.columns:
        raise ValueError(f"outcome {outcome!r} is not a column of the panel")
    never = LABELS["never"][lang]
    p = panel.assign(kelompok=[month_label(c) if c else never for c in panel["cohort"]])
    g = p.groupby(["kelompok", "cohort", "t", "bulan"], sort=True)[outcome]
    out = g.agg(mean="mean", n_unit="count").reset_index()
    out["_never"] = out["cohort"].eq(0)  # never-treated group last
    return out.sort_values(["_never", "cohort", "t"], kind="stable").drop(columns="_never").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------
def _plain(v):
    """JSON-safe copy of the result's own fields (sub-results come JSON-safe from ``to_dict``)."""
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if hasattr(v, "dtype") and getattr(v.dtype, "kind", "") == "b":
        return bool(v)
    if isinstance(v, (int,)) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iu"):
        return int(v)
    if isinstance(v, float) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") == "f"):
        v = float(v)
        return None if math.isnan(v) or math.isinf(v) else v
    return str(v)


@dataclass(frozen=True, eq=False)
class ImpactResult:
    """Result of :func:`analyse` (immutable).

    Attributes
    ----------
    status : {"ok", "not_enough_data"}
    outcome, definition : str
    threshold : float or None
    control : {"never", "notyet"} or None
        Control group used (None when not enough data).
    control_note : Note or None
        Why not-yet-treated units were used (code ``control_notyet``), None otherwise;
        :attr:`control_reason` words it (``{"id": ..., "en": ...}``).
    n_units, n_treated, n_never, n_control : int
        Units in the estimation; units treated inside the window (with a pre-period);
        never-treated units; comparison units of the control group used (never-treated, or
        never- plus not-yet-treated units).
    excluded_units : Mapping
        Units left out and why (treated in the panel's first month: no pre-period).
    n_missing : int
        Unit-months left out because the outcome is missing (no complaint had that time).
    alpha : float
    att_gt : AttGTResult or None
    aggregates : Mapping of kind -> AggregateResult
        ``simple``, ``group``, ``event`` (the event study) and ``calendar``.
    pretrend, twfe, bacon, sun_abraham, wild_bootstrap, randomization : result or None
        None when the method could not run; ``notes`` says why. ``wild_bootstrap`` is the
        restricted wild cluster bootstrap of the Sun-Abraham overall ATT; ``pretrend`` the
        randomization pre-trend test (:func:`mutasi_analysis.did.pretrend_randomization_test`).
    sensitivity : HonestDiDResult or None
        Rambachan-Roth sensitivity of the average effect in the first ``sensitivity_window``
        months after rotation (:func:`sensitivity`): relative magnitudes, C-LF intervals over
        :data:`SENSITIVITY_MBAR`, and its ``breakdown`` value.
    pretrend_size : Mapping or None
        :func:`mutasi_analysis.did.pretrend_size` of ``pretrend``: its measured size and
        ``usable``, whether it may enter the verdict (only then does the verdict cite it).
    inference : {"randomization", "analytic"} or None
        What the headline p-value and interval come from: randomization inference (the
        default: in the coverage study of benchmarks/README.md it kept its 95% level with 16
        units, where analytic clustered SEs covered about 92%), or the analytic SE when
        randomization inference could not run with the simple ATT.
    ci : tuple or None
        The headline ``1 - alpha`` interval (see ``inference``).
    pvalue : float or None
        The headline p-value (see ``inference``).
    agrees : bool or None
        Whether the second opinions (the wild cluster bootstrap of the Sun-Abraham ATT and the
        analytic interval) reach the same decision at ``alpha`` as the headline.
    basis : Verdict
        The verdict as numbers and codes; :attr:`verdict` words it (``{"id": ..., "en": ...}``,
        by :func:`mutasi_analysis.text.verdict_text`).
    notes : tuple of Note
        Language-free notes (codes with parameters, :class:`Note`): warnings from the
        estimators and every method that did not run, with the reason. Word them with
        :func:`mutasi_analysis.text.note_text`.
    """

    status: str
    outcome: str
    definition: str
    threshold: float | None
    alpha: float
    n_units: int
    n_treated: int
    n_never: int
    basis: Verdict
    n_control: int = 0
    control: str | None = None
    control_note: Note | None = None
    excluded_units: Mapping[str, str] = field(default_factory=dict)
    n_missing: int = 0
    att_gt: Any = None
    aggregates: Mapping[str, Any] = field(default_factory=dict)
    pretrend: Any = None
    pretrend_size: Mapping[str, Any] | None = None
    sensitivity: Any = None
    twfe: Any = None
    bacon: Any = None
    wild_bootstrap: Any = None
    randomization: Any = None
    sun_abraham: Any = None
    inference: str | None = None
    ci: tuple[float, float] | None = None
    pvalue: float | None = None
    agrees: bool | None = None
    notes: tuple[Note, ...] = ()

    def __post_init__(self):
        for name in ("excluded_units", "aggregates", "pretrend_size"):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, MappingProxyType(dict(v)))
        object.__setattr__(self, "notes", tuple(self.notes))

    @property
    def ok(self) -> bool:
        """True when an estimate was made."""
        return self.status == "ok"

    @property
    def verdict(self) -> Mapping[str, str]:
        """The verdict in words, ``{"id": ..., "en": ...}`` (worded from :attr:`basis` by
        :func:`mutasi_analysis.text.verdict_text`)."""
        return MappingProxyType({lang: _text.verdict_text(self.basis, lang) for lang in _text.LANGS})

    @property
    def control_reason(self) -> Mapping[str, str] | None:
        """Why the comparison group is the not-yet-rotated units, in words (None when chosen as asked)."""
        if self.control_note is None:
            return None
        return MappingProxyType({lang: _text.note_text(self.control_note, lang) for lang in _text.LANGS})

    @property
    def event_study(self):
        """The event-study aggregation (effects by months since rotation), None without one."""
        return self.aggregates.get("event") if self.ok else None

    @property
    def caveat(self) -> str | None:
        """Why the estimate must not be read as the effect of rotation: ``"pretrend_rejected"``
        when the size-checked pre-trend test rejects at ``alpha``; None otherwise."""
        pre, size = self.pretrend, self.pretrend_size
        if not self.ok or pre is None or size is None or not size.get("usable"):
            return None
        return "pretrend_rejected" if pre.pvalue == pre.pvalue and pre.pvalue <= self.alpha else None

    @property
    def estimate(self) -> float | None:
        """The overall ATT (simple aggregation), None when there is not enough data."""
        return self.aggregates["simple"].estimate if self.ok else None

    def conf_int(self) -> tuple[float, float] | None:
        """The headline ``1 - alpha`` interval of :attr:`estimate` (None without one).

        By randomization inference when it ran (see :attr:`inference`), else analytic.
        """
        return tuple(self.ci) if self.ok else None

    def estimate_facts(self) -> dict | None:
        """The headline as plain facts (the fields of ``findings.ImpactEstimate``), or None.

        Returns
        -------
        dict or None
            ``outcome, estimate, conf_low, conf_high, caveat, better, level``; None when there is not
            enough data (then pass ``n_treated`` / ``n_control`` to the findings instead).
        """
        if not self.ok:
            return None
        lo, hi = self.conf_int()
        return {"outcome": self.outcome, "estimate": float(self.estimate), "conf_low": float(lo), "conf_high": float(hi),
                "caveat": self.caveat,
                "better": OUTCOMES[self.outcome]["better"], "level": 1 - self.alpha}

    def methods_table(self) -> pd.DataFrame:
        """The headline next to TWFE and Sun-Abraham: one row per method that ran.

        Returns
        -------
        DataFrame
            ``metode`` (a key of :data:`METHODS`), ``estimate``, ``conf_low``, ``conf_high``.
            TWFE and Sun-Abraham carry their analytic ``1 - alpha`` intervals;
            ``callaway_santanna`` is the headline estimate with the headline interval
            (:meth:`conf_int`, see :attr:`inference`). Empty (same columns) without an estimate.
        """
        cols = ["metode", "estimate", "conf_low", "conf_high"]
        if not self.ok:
            return pd.DataFrame(columns=cols)
        rows = []
        if self.twfe is not None:
            rows.append(("twfe", self.twfe.estimate, *self.twfe.conf_int(self.alpha)))
        rows.append(("callaway_santanna", self.estimate, *self.conf_int()))
        if self.sun_abraham is not None:
            sa = self.sun_abraham.overall()
            rows.append(("sun_abraham", sa.estimate, *sa.conf_int(self.alpha)))
        out = pd.DataFrame(rows, columns=cols)
        return out.astype({c: "float64" for c in cols[1:]})

    def aggregates_table(self) -> pd.DataFrame:
        """The overall number of each aggregation of ATT(g,t), in :attr:`aggregates` order.

        Returns
        -------
        DataFrame
            ``metode`` (``simple``, ``group``, ``event``, ``calendar``), ``estimate``,
            ``std_error``, ``conf_low``, ``conf_high`` (analytic, at the aggregation's alpha).
            Empty (same columns) without an estimate.
        """
        cols = ["metode", "estimate", "std_error", "conf_low", "conf_high"]
        rows = []
        for k, a in self.aggregates.items():
            r = a.tidy().iloc[0]  # the overall row comes first
            rows.append((k, r["estimate"], r["std_error"], r["conf_low"], r["conf_high"]))
        if not rows:
            return pd.DataFrame(columns=cols)
        return pd.DataFrame(rows, columns=cols).astype({c: "float64" for c in cols[1:]})

    def gt_matrix(self, min_event: int = -6) -> pd.DataFrame:
        """ATT(g,t) as a cohort x event-time matrix (the heatmap of a report).

        Parameters
        ----------
        min_event : int, default -6
            Earliest event time (months since rotation) kept.

        Returns
        -------
        DataFrame
            Index ``cohort`` (the ``YYYY-MM`` of the first treated month, in time order),
            columns ``event_time`` (int, >= ``min_event``), values the cell ATT (float; NaN
            where a cohort has no cell). Empty without an estimate.
        """
        if not self.ok or self.att_gt is None:
            return pd.DataFrame(dtype="float64")
        gt = self.att_gt.tidy()
        gt = gt[gt["event_time"] >= min_event]
        # Pivot on the integer month first so that cohorts sort in time order, then label.
        m = gt.assign(event_time=gt["event_time"].astype(int), cohort=gt["cohort"].astype(int)).pivot(
            index="cohort", columns="event_time", values="estimate").astype(float)
        m.index = pd.Index([month_label(int(c)) for c in m.index], name="cohort")
        m.columns = pd.Index([int(c) for c in m.columns], name="event_time")
        return m

    def record_fields(self, power=None) -> dict:
        """The result's fields a report records, as plain JSON values.

        Parameters
        ----------
        power : mutasi_analysis.did.PowerResult, optional
            :func:`next_wave_power` of this result; recorded as ``mde``, ``mde_se`` and
            ``power_curve`` (None and empty without it).

        Returns
        -------
        dict
            ``status, outcome, att, conf_low, conf_high, alpha, inference, analytic_conf_low,
            analytic_conf_high, facts, n_units, n_treated, n_never, control, att_gt,
            event_study, twfe, sun_abraham, bacon, wild_bootstrap_p, randomization_p, agrees,
            draws, verdict, pretrend_p, pretrend_usable, pretrend_size, sensitivity, mde, mde_se,
            power_curve``. ``sensitivity`` holds ``restriction``, ``window`` (months),
            ``breakdown`` and the ``table`` of robust intervals by ``M``. ``att_gt`` rows hold ``cohort`` (``YYYY-MM``), ``event_time`` (int),
            ``post`` (bool), ``estimate``, ``conf_low``, ``conf_high``; ``event_study`` and
            ``bacon`` are their tidy tables as lists of row dicts. Without an estimate the
            numbers are None and the lists empty; a diagnostic that did not run is None.
        """
        from .record import to_jsonable

        ok = self.ok
        ci = self.conf_int() if ok else (None, None)
        analytic = self.aggregates["simple"].conf_int(self.alpha) if ok else (None, None)
        sa = self.sun_abraham.overall() if ok and self.sun_abraham is not None else None
        gt = []
        if ok:
            gt = [{"cohort": month_label(int(r.cohort)), "event_time": int(r.event_time), "post": bool(r.post),
                   "estimate": r.estimate, "conf_low": r.conf_low, "conf_high": r.conf_high}
                  for r in self.att_gt.tidy().itertuples()]
        fields_ = {
            "status": self.status,
            "outcome": self.outcome,
            "att": self.estimate, "conf_low": ci[0], "conf_high": ci[1], "alpha": self.alpha,
            "inference": self.inference,
            "analytic_conf_low": analytic[0], "analytic_conf_high": analytic[1],
            "facts": self.estimate_facts(),
            "n_units": self.n_units, "n_treated": self.n_treated, "n_never": self.n_never, "n_control": self.n_control,
            "control": self.control,
            "att_gt": gt,
            "event_study": self.aggregates["event"].tidy() if ok and "event" in self.aggregates else [],
            "twfe": self.twfe.estimate if ok and self.twfe is not None else None,
            "sun_abraham": ({"estimate": sa.estimate, "conf_low": sa.conf_int(self.alpha)[0],
                             "conf_high": sa.conf_int(self.alpha)[1]} if sa is not None else None),
            "bacon": self.bacon.table if ok and self.bacon is not None else [],
            "wild_bootstrap_p": (self.wild_bootstrap.tidy()["pvalue"].iloc[0]
                                 if ok and self.wild_bootstrap is not None else None),
            "randomization_p": (self.randomization.tidy()["pvalue"].iloc[0]
                                if ok and self.randomization is not None else None),
            "agrees": self.agrees,
            # The draws the tests used: fewer than asked for when every assignment / sign
            # pattern could be enumerated (then exact). None when the test did not run.
            "draws": {
                "randomization": ({"n": int(self.randomization.n_perm), "enumerated": bool(self.randomization.enumerated),
                                   "term": str(self.randomization.term)}
                                  if ok and self.randomization is not None else None),
                "wild_bootstrap": ({"n": int(self.wild_bootstrap.n_boot),
                                    "enumerated": bool(self.wild_bootstrap.enumerated)}
                                   if ok and self.wild_bootstrap is not None else None),
            },
            "verdict": dict(self.verdict),
            "pretrend_p": self.pretrend.pvalue if ok and self.pretrend is not None else None,
            "pretrend_usable": (bool(self.pretrend_size["usable"])
                                if ok and self.pretrend_size is not None else None),
            "pretrend_size": (self.pretrend_size.get("size")
                              if ok and self.pretrend_size is not None else None),
            "sensitivity": ({"restriction": self.sensitivity.restriction,
                             "window": int(self.sensitivity.num_post),
                             "breakdown": self.sensitivity.breakdown,
                             "table": self.sensitivity.table}
                            if ok and self.sensitivity is not None else None),
            "mde": power.mde if power is not None else None,
            "mde_se": power.mde_se if power is not None else None,
            "power_curve": power.tidy() if power is not None else [],
        }
        return to_jsonable(fields_, "ImpactResult.record_fields")

    def to_dict(self) -> dict:
        """Plain JSON-safe dictionary of every number and text in the result."""
        def sub(r):
            return None if r is None else r.to_dict()

        d = {
            "status": self.status,
            "outcome": self.outcome,
            "definition": self.definition,
            "threshold": self.threshold,
            "alpha": self.alpha,
            "control": self.control,
            "control_reason": dict(self.control_reason) if self.control_reason else None,
            "n_units": self.n_units,
            "n_treated": self.n_treated,
            "n_never": self.n_never,
            "n_control": self.n_control,
            "excluded_units": dict(self.excluded_units),
            "n_missing": self.n_missing,
            "estimate": self.estimate,
            "ci": list(self.conf_int()) if self.ok else None,
            "pvalue": self.pvalue,
            "inference": self.inference,
            "agrees": self.agrees,
            "verdict": dict(self.verdict),
            "verdict_basis": self.basis.to_dict(),  # the numbers and codes the verdict is worded from
            "notes": [n.to_dict() for n in self.notes],
            "att_gt": sub(self.att_gt),
            "aggregates": {k: sub(v) for k, v in self.aggregates.items()},
            "pretrend": sub(self.pretrend),
            "pretrend_size": _plain(dict(self.pretrend_size)) if self.pretrend_size else None,
            "sensitivity": sub(self.sensitivity),
            "twfe": sub(self.twfe),
            "bacon": sub(self.bacon),
            "sun_abraham": sub(self.sun_abraham),
            "wild_bootstrap": sub(self.wild_bootstrap),
            "randomization": sub(self.randomization),
        }
        return _plain(d)


# --------------------------------------------------------------------------------------
# verdict text
# --------------------------------------------------------------------------------------
def _verdict_basis(outcome, definition, threshold, alpha, est, lo, hi, n_treated, n_control, control, wcb, ri,
                   agrees, pre=None, inference="analytic", analytic=None, baseline=None) -> Verdict:
    return Verdict("estimate", {
        "outcome": outcome, "definition": definition, "threshold": threshold, "alpha": alpha,
        "better": OUTCOMES[outcome]["better"], "percent": bool(OUTCOMES[outcome].get("percent", False)),
        "estimate": float(est), "conf_low": float(lo), "conf_high": float(hi),
        "baseline": None if baseline is None or not math.isfinite(baseline) else float(baseline),
        "inference": inference, "n_treated": int(n_treated), "n_control": int(n_control), "control": control,
        # ``pre`` is None unless the test's measured size is in range (did.pretrend_size).
        "pretrend_p": None if pre is None else float(pre.pvalue),
        "ri_p": None if ri is None else float(ri.pvalue), "ri_term": None if ri is None else str(ri.term),
        "wcb_p": None if wcb is None else float(wcb.pvalue),
        "analytic_p": None if analytic is None else float(analytic), "agrees": agrees,
    })


# --------------------------------------------------------------------------------------
# analysis
# --------------------------------------------------------------------------------------
def sensitivity(event_study, alpha: float = 0.05, window: int = 6, mbar: Sequence[float] = SENSITIVITY_MBAR):
    """How large a violation of parallel trends the short-run effect survives (Rambachan and Roth 2023).

    The event study (Sun-Abraham: the month before rotation, event time -1, is the reference,
    and its covariance is unit-clustered CRV1, the analytic method that kept its level at 16
    offices in the coverage study, where ``att_gt``'s unclustered influence-function
    covariance over-rejected) is cut to ``window`` months before the reference (event times
    ``-window - 1 .. -2``) and ``window`` months from rotation (``0 .. window - 1``);
    :func:`mutasi_analysis.did.honest_did` then bounds the average effect over those post months
    under relative magnitudes: after rotation, the month-to-month drift between rotated and
    comparison offices is at most ``Mbar`` times the largest month-to-month change of the
    pre-rotation estimates in the window.

    This is the effect of the first ``window`` months, not the headline's average over every
    month after rotation: a longer window makes the C-LF set too costly (its cost grows
    quickly with the number of event times).

    Parameters
    ----------
    event_study : SunAbrahamResult
        Or any result with ``table`` (``event_time``, ``estimate``, reference -1 left out) and
        ``vcov()`` of its rows.
    alpha : float
    window : int, default 6
        Months on each side (at least 2).
    mbar : sequence of float
        Grid of Mbar.

    Returns
    -------
    mutasi_analysis.did.HonestDiDResult
        ``breakdown`` is the largest Mbar on the grid at which the interval still excludes
        zero (None when it includes zero already at the first grid value).

    Raises
    ------
    mutasi_analysis.did.PanelDataError
        Fewer than two pre-rotation or one post-rotation event time inside the window, a month
        missing inside it, or an estimate that is not finite.
    """
    import types

    if not isinstance(window, (int, np.integer)) or isinstance(window, bool) or window < 2:
        raise ValueError(f"window must be an integer of at least 2 months, got {window!r}")
    tab = event_study.table
    e = tab["event_time"].to_numpy()
    keep = (e >= -window - 1) & (e <= window - 1) & (e != -1)
    n_pre, n_post = int((keep & (e < -1)).sum()), int((keep & (e >= 0)).sum())
    if n_pre < 2 or n_post < 1:
        raise did.PanelDataError(
            f"the sensitivity analysis needs at least 2 months before rotation and 1 after inside "
            f"+-{window} months of it; the event study has {n_pre} and {n_post}")
    times = np.sort(np.append(e[keep], -1)).astype(int)
    if np.any(np.diff(times) != 1):
        raise did.PanelDataError(f"the event study lacks a month inside +-{window} months of rotation "
                                 f"(event times {times.tolist()}); the sensitivity analysis needs them all")
    b = tab["estimate"].to_numpy(dtype=float)[keep]
    V = np.asarray(event_study.vcov(), dtype=float)[np.ix_(keep, keep)]
    if not (np.isfinite(b).all() and np.isfinite(V).all()):
        raise did.PanelDataError("an event-study estimate or its variance inside the window is not finite "
                                 "(a month with too few offices); the sensitivity analysis cannot run")
    study = types.SimpleNamespace(event_times=e[keep].astype(int), estimates=b, vcov=V, reference_period=-1)
    return did.honest_did(study, restriction="relative_magnitude", M=list(mbar),
                          l_vec=np.full(n_post, 1.0 / n_post), alpha=alpha)


def next_wave_power(panel: pd.DataFrame, result: "ImpactResult", effects: Sequence[float] | None = None,
                    power: float = 0.8, n_sim: int = 500, n_perm: int = 999, seed: int = 0):
    """Power and minimum detectable effect of a next rotation rolled out like the observed one.

    The planned design repeats the observed rollout (the same offices rotating in the same
    months: the number of waves, their sizes and their spacing as they happened; offices observed
    in every month, as for randomization inference), the noise is
    the observed panel's (:func:`mutasi_analysis.did.power` resamples each office's residual
    blocks), and the test is the report's headline: randomization inference at ``alpha``.

    Parameters
    ----------
    panel : DataFrame
        From :func:`build_panel`.
    result : ImpactResult
        The analysis of ``panel`` (its outcome, alpha, control and the offices it used).
    effects : sequence of float, optional
        Effects (in the outcome's unit) to report power at; default :func:`did.power`'s (0 to
        1.5 times the MDE, positive). The test is two-sided and the simulated noise is the
        observed residuals', so the MDE is read as a magnitude: a change of at least ``|mde|``
        in either direction (for a lower-is-better outcome, an improvement is a decrease).
    power : float, default 0.8
    n_sim, n_perm, seed
        As in :func:`mutasi_analysis.did.power`.

    Returns
    -------
    mutasi_analysis.did.PowerResult or None
        None when ``result`` has no estimate or the data cannot support the simulation (a
        :class:`mutasi_analysis.did.PanelDataError`, e.g. too few offices observed in every
        month or too few distinct assignments to reach ``alpha``).
    """
    if not result.ok:
        return None
    out = result.outcome
    data = panel[~panel["kode_unit"].isin(list(result.excluded_units))][["kode_unit", "t", "cohort", out]]
    data = data[data[out].notna()].assign(cohort=lambda d: d["cohort"].astype("int64"))
    # The offices observed in every month, as randomization inference uses (it moves whole
    # outcome paths between offices): a month without complaints drops its office here too.
    months = data.groupby("kode_unit")["t"].nunique()
    data = data[data["kode_unit"].isin(months[months == data["t"].nunique()].index)]
    unit_cohort = data.groupby("kode_unit")["cohort"].first()
    design = {u: int(c) for u, c in unit_cohort.items() if c > 0}
    # The headline's own statistic: the TWFE coefficient under the not-yet-treated fallback.
    statistic = result.randomization.term if result.randomization is not None else (
        "att_simple" if result.control == "never" else "twfe")
    try:
        return did.power(data, out, "kode_unit", "t", cohort="cohort", design=design, statistic=statistic,
                         effects=None if effects is None else list(effects),
                         alpha=result.alpha, power=power, n_sim=n_sim, n_perm=n_perm, seed=seed)
    except did.PanelDataError:
        return None  # e.g. too few offices observed in every month: no MDE rather than a wrong one


def _run(notes: list, label: str, fn, *args, **kwargs):
    """Run one method; record its warnings, and "not enough data" as 'not run' with the reason.

    Only :class:`mutasi_analysis.did.PanelDataError` (the statistics package's documented answer
    when the data cannot support a method) becomes a note. Anything else, an invalid argument
    or a bug, propagates: the render fails loudly and the previous report stays published,
    instead of a published report saying "not run" over a programming error.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = fn(*args, **kwargs)
        except did.PanelDataError as exc:
            notes.append(Note("not_run", {"method": label, "detail": str(exc)}))
            res = None
    notes.extend(_warning_notes(label, caught))
    return res


def _warning_notes(label: str, caught) -> list[Note]:
    return [Note("warning", {"method": label, "detail": str(w.message)}) for w in caught]


def analyse(
    panel: pd.DataFrame,
    config: RegionConfig,
    outcome: str | None = None,
    alpha: float | None = None,
    n_boot: int = 9999,
    n_perm: int = 999,
    seed: int = 0,
    control: str = "auto",
    n_boot_bands: int = 0,
    sensitivity_window: int = 6,
    *,
    B: int | None = None,
) -> ImpactResult:
    """Staggered difference-in-differences of a service outcome on rotation.

    Parameters
    ----------
    panel : DataFrame
        From :func:`build_panel` (columns kode_unit, t, cohort, treated and the outcome).
    config : RegionConfig
        Gives ``thresholds.min_treated_units``, ``min_control_units`` and ``alpha``.
    outcome : str, optional
        Default ``panel.attrs["outcome"]``.
    alpha : float, optional
        Default ``thresholds.alpha``.
    n_boot : int, default 9999
        Wild cluster bootstrap draws of the second opinion (all sign vectors are enumerated
        when ``2**G <= n_boot``).
    n_perm : int, default 999
        Randomization-inference permutations of adoption dates.
    seed : int, default 0
        Seed of every random draw, so that the same inputs give the same numbers.
    control : {"auto", "never", "notyet"}
        ``auto`` uses never-treated units when there are at least ``min_control_units`` of
        them and otherwise falls back to not-yet-treated units, stating the reason.
    n_boot_bands : int, default 0
        Multiplier-bootstrap draws of ``att_gt`` (0 = analytic standard errors); with draws
        the event study also carries uniform (simultaneous) bands. (Called ``n_boot`` before
        0.3, when ``B`` was the wild bootstrap's draws.)
    sensitivity_window : int, default 6
        Months before and after rotation in the sensitivity analysis (:func:`sensitivity`);
        0 skips it.
    B : int, optional
        Deprecated name of ``n_boot`` (warns; removed in the next release).

    Returns
    -------
    ImpactResult
        ``status="not_enough_data"`` (with the reason in the verdict) when fewer than
        ``min_treated_units`` units are treated inside the window with a pre-period, or fewer
        than ``min_control_units`` units can serve as controls.

    Notes
    -----
    Units treated in the panel's first month have no pre-treatment month; they are left out
    of every method (listed in ``excluded_units``). Unit-months with a missing outcome (no
    complaint with that time) are left out and counted in ``n_missing``. Units are the
    clusters. The headline p-value and interval come from randomization inference, which
    permutes adoption dates and recomputes the simple ATT (interval by inverting a constant
    effect); second opinions are the restricted wild cluster bootstrap (Rademacher) of the
    Sun-Abraham overall ATT and the analytic interval. The TWFE estimate and Goodman-Bacon decomposition are diagnostics, not the headline:
    with staggered timing TWFE can be biased by comparisons of later- with earlier-treated
    units (the "later_vs_earlier" weight of the decomposition shows how much).
    """
    n_boot = renamed_keyword(n_boot, B, "B", "n_boot")
    if control not in ("auto", "never", "notyet"):
        raise ValueError(f"control must be 'auto', 'never' or 'notyet', got {control!r}")
    outcome = outcome or panel.attrs.get("outcome")
    if outcome is None or outcome not in panel.columns:
        raise ValueError(f"outcome {outcome!r} is not a column of the panel; pass one of {', '.join(OUTCOMES)}")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; choose one of {', '.join(OUTCOMES)}")
    for c in ("kode_unit", "t", "cohort"):
        if c not in panel.columns:
            raise ValueError(f"panel lacks column {c!r}: build it with impact.build_panel")
    alpha = config.thresholds.alpha if alpha is None else float(alpha)
    definition = panel.attrs.get("definition", config.treatment.definition)
    threshold = panel.attrs.get("threshold", config.treatment.share_threshold if definition == "share_rotated_in" else None)
    min_tr, min_co = config.thresholds.min_treated_units, config.thresholds.min_control_units
    notes: list[Note] = []

    data = panel[["kode_unit", "t", "cohort", outcome]].copy()
    data["cohort"] = data["cohort"].astype("int64")
    t0 = int(data["t"].min())
    unit_cohort = data.groupby("kode_unit")["cohort"].first()
    always = unit_cohort[(unit_cohort > 0) & (unit_cohort <= t0)]
    excluded = {u: f"treated in the panel's first month {month_label(c)}: no pre-treatment month"
                for u, c in always.items()}
    data = data[~data["kode_unit"].isin(always.index)]
    miss = data[outcome].isna()
    n_missing = int(miss.sum())
    if n_missing:
        notes.append(Note("missing_outcome", {"n": n_missing, "outcome": outcome}))
    data = data[~miss].reset_index(drop=True)
    data["treated"] = ((data["cohort"] > 0) & (data["t"] >= data["cohort"])).astype("int64")

    uc = data.groupby("kode_unit")["cohort"].first()
    n_units = int(len(uc))
    n_treated = int((uc > 0).sum())
    n_never = int((uc == 0).sum())
    last_cohort = int(uc.max()) if n_treated else 0
    n_notyet = n_never + int(((uc > 0) & (uc < last_cohort)).sum())

    def short(n_control, reason, **why):
        basis = Verdict("not_enough_data", {"outcome": outcome, "definition": definition, "threshold": threshold,
                                            "reason": reason, **why})
        return ImpactResult(
            status="not_enough_data", outcome=outcome, definition=definition, threshold=threshold, alpha=alpha,
            n_units=n_units, n_treated=n_treated, n_never=n_never, n_control=n_control, excluded_units=excluded,
            n_missing=n_missing, basis=basis, notes=tuple(notes),
        )

    if n_treated < min_tr:
        return short(n_never if (control == "never" or (control == "auto" and n_never >= min_co)) else n_notyet,
                     "few_treated", n=n_treated, minimum=min_tr)
    control_note = None
    if control == "auto":
        if n_never >= min_co:
            control = "never"
        else:
            control = "notyet"
            control_note = Note("control_notyet", {"n_never": n_never, "min_control": min_co})
            notes.append(control_note)
    n_control = n_never if control == "never" else n_notyet
    if n_control < min_co:
        return short(n_control, "few_control", n=n_control, minimum=min_co, control=control)

    common = dict(outcome=outcome, unit="kode_unit", time="t", cohort="cohort")
    # The headline estimator is not optional: a data problem here raises (a PanelDataError,
    # which the command line prints as one line) instead of hiding behind "not enough data".
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        att = did.att_gt(data, control=control, alpha=alpha, n_boot=n_boot_bands, seed=seed, **common)
    notes.extend(_warning_notes("att_gt", caught))
    aggregates = {}
    for k in _KINDS:
        r = _run(notes, f"aggregate({k})", att.aggregate, k)
        if r is not None:
            aggregates[k] = r
    if "simple" not in aggregates:
        return short(n_control, "no_post_cells")
    tw = _run(notes, "twfe", did.twfe, data, outcome, "kode_unit", "t", "treated", alpha=alpha)  # clustered by unit
    # Bacon and randomization inference need a balanced panel: with missing unit-months they run
    # on the units observed in every month, and the notes say so.
    balanced = data
    if n_missing:
        n_t = data["t"].nunique()
        full = data.groupby("kode_unit")["t"].nunique()
        keep = full[full == n_t].index
        balanced = data[data["kode_unit"].isin(keep)]
        notes.append(Note("balanced_subset", {"n_kept": len(keep), "n_units": n_units}))
    bac = _run(notes, "bacon", did.bacon, balanced, outcome, "kode_unit", "t", "cohort")
    # Pre-trend test: randomization over adoption dates (its size is measured at 3-7% in
    # benchmarks/coverage_study.py, where the chi-squared Wald pre-test of att_gt was wrong
    # either way); it enters the verdict only when pretrend_size says its size is in range.
    pre = _run(notes, "pretrend_randomization_test", did.pretrend_randomization_test, balanced,
               n_perm=n_perm, seed=seed, **common)
    pre_size = did.pretrend_size(pre) if pre is not None else None
    # Second opinion: the wild cluster bootstrap of the Sun-Abraham overall ATT. (On the TWFE
    # coefficient it inherits TWFE's bias when effects grow: 86% coverage in the study.)
    sa = _run(notes, "sun_abraham", did.sun_abraham, data, **common)
    wcb = _run(notes, "wild_cluster_bootstrap", sa.wild_bootstrap, n_boot=n_boot, seed=seed) if sa is not None else None
    # The simple-ATT statistic needs never-treated units; under the not-yet-treated fallback the
    # permutation test recomputes the TWFE coefficient instead (stated in the notes).
    ri_stat = "att_simple" if control == "never" else "twfe"
    if ri_stat == "twfe":
        notes.append(Note("ri_statistic_twfe"))
    ri = _run(notes, "randomization_inference", did.randomization_inference, balanced, n_perm=n_perm, seed=seed,
              statistic=ri_stat, alpha=alpha, **common)

    sens = (_run(notes, "honest_did", sensitivity, sa, alpha, sensitivity_window)
            if sensitivity_window and sa is not None else None)

    simple = aggregates["simple"]
    # Headline inference: randomization inference on the simple ATT (the method that kept its
    # level in benchmarks/coverage_study.py at this scale); analytic SE when it cannot run.
    if ri is not None and ri_stat == "att_simple" and not math.isnan(ri.pvalue):
        inference, (lo, hi), pval = "randomization", ri.conf_int(alpha), float(ri.pvalue)
        seconds = [p for p in (None if wcb is None else wcb.pvalue, simple.pvalue)
                   if p is not None and not math.isnan(p)]
    else:
        inference, (lo, hi), pval = "analytic", simple.conf_int(alpha), float(simple.pvalue)
        seconds = [r.pvalue for r in (wcb, ri) if r is not None and not math.isnan(r.pvalue)]
        notes.append(Note("headline_analytic"))
    # Significant means p <= alpha: zero is then outside the test-inversion intervals, whose
    # members are the values with p > alpha (and the pre-test's size was measured this way).
    sig = pval <= alpha
    agrees = None if not seconds else all((p <= alpha) == sig for p in seconds)
    rotated_before = data[(data["cohort"] > 0) & (data["t"] < data["cohort"])][outcome]
    baseline = float(rotated_before.mean()) if len(rotated_before) else None
    basis = _verdict_basis(outcome, definition, threshold, alpha, simple.estimate, lo, hi, n_treated, n_control,
                           control, wcb, ri if inference == "analytic" else None, agrees,
                           pre if pre_size is not None and pre_size["usable"] else None, inference=inference,
                           analytic=simple.pvalue if inference == "randomization" else None, baseline=baseline)
    return ImpactResult(
        status="ok", outcome=outcome, definition=definition, threshold=threshold, alpha=alpha,
        n_units=n_units, n_treated=n_treated, n_never=n_never, n_control=n_control, basis=basis, control=control,
        control_note=control_note, excluded_units=excluded, n_missing=n_missing, att_gt=att, aggregates=aggregates,
        pretrend=pre, pretrend_size=pre_size, sensitivity=sens, twfe=tw, bacon=bac, sun_abraham=sa, wild_bootstrap=wcb, randomization=ri, agrees=agrees,
        inference=inference, ci=(float(lo), float(hi)), pvalue=pval, notes=tuple(notes),
    )
