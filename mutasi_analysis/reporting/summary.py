"""The executive summary (notebook ``00_ringkasan``): built from typed records, never from HTML.

The summary reads the records of its own period (:meth:`ReportContext.records`), turns them into
the facts of :mod:`mutasi_analysis.findings`, and draws the headline numbers of earlier periods
of the same language from their report folders. Every number in its trend carries the commit
that made it, so a trend mixing code versions says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from .. import findings as fnd
from ..text import fmt_value, label
from ..sections import FeedbackRecord, IkmRecord, ImpactRecord, RotationRecord, SectionRecord
from .index import display_title, headline_rows, report_folders

__all__ = ["SUMMARY_PREFIX", "headline_table", "missing_sections", "finding_inputs", "Trend", "trend"]

#: Notebooks whose name starts with this are summaries: rendered last, they read the others.
SUMMARY_PREFIX = "00_"


def _shown(value, nar) -> str:
    # The one rule for headline values (also the index and the PDF); a missing number is said
    # in words on this page.
    return label("not_enough_data", nar.lang) if value is None else fmt_value(value, nar.lang)


def headline_table(records: Mapping[str, SectionRecord], nar) -> pd.DataFrame:
    """Every section's headline numbers, written for the page: ``bagian, ukuran, nilai``.

    Parameters
    ----------
    records : mapping of notebook name to SectionRecord
    nar : Narrator
        Writes the numbers in the report language.
    """
    rows = [
        {"bagian": display_title(nb, {"title": rec.title}, nar.lang), "ukuran": h.label, "nilai": _shown(h.value, nar)}
        for nb, rec in sorted(records.items()) for h in rec.headline.values()
    ]
    return pd.DataFrame(rows, columns=["bagian", "ukuran", "nilai"], dtype=object)


def missing_sections(records: Mapping[str, SectionRecord], expected) -> list[str]:
    """Sections expected in the report that recorded nothing for this period."""
    return [nb for nb in expected if not nb.startswith(SUMMARY_PREFIX) and nb not in records]


def finding_inputs(records: Mapping[str, SectionRecord], period: str) -> fnd.FindingInputs:
    """The facts the findings rules read, from the typed records of one period.

    A section that is missing, or could not estimate, contributes nothing (its rules are not
    assessed), never a zero.
    """
    impact = records.get("03_dampak_layanan")
    ikm = records.get("04_ikm")
    fb = records.get("05_umpan_balik_asn")
    rot = records.get("02_mutasi")
    for name, rec, model in (("03_dampak_layanan", impact, ImpactRecord), ("04_ikm", ikm, IkmRecord),
                             ("05_umpan_balik_asn", fb, FeedbackRecord), ("02_mutasi", rot, RotationRecord)):
        if rec is not None and not isinstance(rec, model):
            raise TypeError(f"record {name} is a {type(rec).__name__}, not {model.__name__}")
    n_treated = n_control = None
    if impact is not None and impact.status == "ok":
        # The comparison count of the group the estimate used: under the not-yet-rotated
        # fallback it is not n_units - n_treated (that is the never-rotated count, which is
        # why the fallback was taken). An older record without it says nothing about units.
        n_control = impact.n_control if impact.n_control is not None else (
            impact.n_never if impact.control == "never" else None)
        n_treated = impact.n_treated if n_control is not None else None
    c = rot.compliance if rot is not None else None
    return fnd.FindingInputs(
        period=period,
        readiness_answered=fb.answered if fb is not None and fb.unready is not None else None,
        readiness_unready=fb.unready if fb is not None else None,
        impacts=(fnd.ImpactEstimate(**impact.facts),) if impact is not None and impact.facts else (),
        rotation_candidates=c.rotation_candidates if c else None,
        min_years_breaks=c.min_years_breaks if c else None,
        freeze_breaks=c.freeze_breaks if c else None,
        ikm_changes=fnd.ikm_changes(pd.DataFrame([r.model_dump() for r in ikm.changes])) if ikm and ikm.changes else (),
        skm_samples=fnd.skm_samples(pd.DataFrame([u.model_dump() for u in ikm.units])) if ikm and ikm.units else (),
        n_treated_units=n_treated,
        n_control_units=n_control,
    )


@dataclass(frozen=True)
class Trend:
    """Headline numbers over periods, and which commit made each period's numbers.

    Attributes
    ----------
    table : DataFrame
        ``periode, ukuran, nilai`` (numbers only), earlier periods then the current one.
    commits : dict
        Period -> commit (``None`` when unknown; the current period's is the running code's).
    """

    table: pd.DataFrame
    commits: dict[str, str | None] = field(default_factory=dict)

    @property
    def periods(self) -> list[str]:
        """Periods in the trend, oldest first."""
        return sorted(self.table["periode"].unique().tolist())

    @property
    def mixed_code(self) -> bool:
        """True when the periods' numbers were made by more than one known commit."""
        return len({c for c in self.commits.values() if c}) > 1


def trend(reports: str | Path | None, period: str, records: Mapping[str, SectionRecord],
          commit: str | None = None) -> Trend:
    """Headline numbers of every earlier period of this language, then this period's.

    Parameters
    ----------
    reports : path or None
        The language's reports root (``ReportContext.reports``); None for no history.
    period : str
        The current period; only earlier ones are read from ``reports``.
    records : mapping
        This period's records.
    commit : str, optional
        Commit of the running code (the current period's numbers).
    """
    rows, commits = [], {}
    if reports is not None:
        manifests = {p: m for p, _, m in report_folders(reports)}
        _, past = headline_rows(reports)
        for r in past:
            for per, v in r["values"].items():
                if per < period and isinstance(v, (int, float)) and not isinstance(v, bool):
                    rows.append({"periode": per, "ukuran": r["label"], "nilai": float(v)})
                    commits[per] = (manifests.get(per, {}).get("git") or {}).get("commit")
    for rec in records.values():
        for h in rec.headline.values():
            if isinstance(h.value, (int, float)) and not isinstance(h.value, bool):
                rows.append({"periode": period, "ukuran": h.label, "nilai": float(h.value)})
    if rows:
        commits[period] = commit
    return Trend(pd.DataFrame(rows, columns=["periode", "ukuran", "nilai"]), dict(sorted(commits.items())))
