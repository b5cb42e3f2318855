"""How to cite a rendered report: a methods paragraph filled from its manifest and records.

The paragraph names what the report used (the toolkit's version and commit, the comparison
group, the inference that carried the headline, the draws) rather than what the toolkit can
do, so that it can be pasted into a paper or an official note as it stands. The references are
the ones whose methods the code implements; ``CITATION.cff`` in the repository cites the
software itself. Words come from :mod:`mutasi_analysis.text` (``cite.*``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import text
from ..errors import MutasiError
from .manifest import read_manifest

__all__ = ["Reference", "REFERENCES", "methods_paragraph", "references", "cite"]

IMPACT_SECTION = "03_dampak_layanan"
IKM_SECTION = "04_ikm"


@dataclass(frozen=True)
class Reference:
    """One work the report's methods come from (language-free: titles as published)."""

    key: str
    short: str  # how the paragraph cites it: "Sun & Abraham, 2021"
    authors: str
    year: int
    title: str
    source: str

    def format(self, lang: str = "en") -> str:
        """Author-year form: ``Authors (year). Title. Source.`` (``and`` in the reader's language)."""
        authors = self.authors.replace(" and ", f" {text.label('cite.and', lang)} ")
        return f"{authors} ({self.year}). {self.title}. {self.source}."


#: The works cited by the methods paragraph, in the order it cites them.
REFERENCES = (
    Reference("permenpanrb", "PermenPANRB 14/2017", "Kementerian PANRB", 2017,
              "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 Tahun 2017 "
              "tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik",
              "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi, Jakarta"),
    Reference("krejcie", "Krejcie & Morgan, 1970", "Krejcie, R. V. and Morgan, D. W.", 1970,
              "Determining Sample Size for Research Activities",
              "Educational and Psychological Measurement 30(3), 607-610"),
    Reference("callaway", "Callaway & Sant'Anna, 2021", "Callaway, B. and Sant'Anna, P. H. C.", 2021,
              "Difference-in-Differences with multiple time periods",
              "Journal of Econometrics 225(2), 200-230"),
    Reference("sun", "Sun & Abraham, 2021", "Sun, L. and Abraham, S.", 2021,
              "Estimating dynamic treatment effects in event studies with heterogeneous treatment effects",
              "Journal of Econometrics 225(2), 175-199"),
    Reference("goodman", "Goodman-Bacon, 2021", "Goodman-Bacon, A.", 2021,
              "Difference-in-differences with variation in treatment timing",
              "Journal of Econometrics 225(2), 254-277"),
    Reference("fisher", "Fisher, 1935", "Fisher, R. A.", 1935, "The Design of Experiments", "Oliver and Boyd, Edinburgh"),
    Reference("mackinnon", "MacKinnon & Webb, 2020", "MacKinnon, J. G. and Webb, M. D.", 2020,
              "Randomization inference for difference-in-differences with few treated clusters",
              "Journal of Econometrics 218(2), 435-450"),
    Reference("cameron", "Cameron et al., 2008", "Cameron, A. C., Gelbach, J. B. and Miller, D. L.", 2008,
              "Bootstrap-Based Improvements for Inference with Clustered Errors",
              "The Review of Economics and Statistics 90(3), 414-427"),
    Reference("roodman", "Roodman et al., 2019", "Roodman, D., MacKinnon, J. G., Nielsen, M. Ø. and Webb, M. D.", 2019,
              "Fast and wild: Bootstrap inference in Stata using boottest",
              "The Stata Journal 19(1), 4-60"),
    Reference("rambachan", "Rambachan & Roth, 2023", "Rambachan, A. and Roth, J.", 2023,
              "A More Credible Approach to Parallel Trends",
              "The Review of Economic Studies 90(5), 2555-2591"),
)
_BY_KEY = {r.key: r for r in REFERENCES}


def _cite(key: str, lang: str) -> str:
    return _BY_KEY[key].short.replace("et al.", text.label("cite.et_al", lang))


def _draws(used: dict | None, asked: int | None, kind: str, lang: str) -> str:
    """"999 permutations", or "all 35 possible assignments ..." when the test enumerated them
    (the record's ``draws``); a record without them gives the parameter as the report ran it."""
    if used:
        key = f"cite.{kind}_all" if used.get("enumerated") else f"cite.{kind}_n"
        return text.template(key, lang, n=text.fmt_count(used.get("n"), lang))
    return text.template(f"cite.{kind}_n", lang, n=text.fmt_count(asked, lang) if asked is not None else "?")


def _read_results(folder: Path, name: str) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    results = data.get("results", data) if isinstance(data, dict) else None
    return results if isinstance(results, dict) else None


def _parameter(folder: Path, manifest: dict, section: str, name: str) -> int | None:
    """A section's parameter as the report ran it: given on the command line, else its default."""
    entry = (manifest.get("notebooks") or {}).get(section) or {}
    value = (entry.get("parameters") or {}).get(name)
    if value is None:
        from .params import notebook_parameters

        try:
            declared = notebook_parameters(folder / f"{section}.ipynb").get(name)
        except Exception:  # noqa: BLE001 - an unreadable notebook only loses this detail
            declared = None
        value = declared.default if declared is not None else None
    try:
        return int(str(value).replace("_", ""))
    except (TypeError, ValueError):
        return None


def methods_paragraph(folder: str | Path, lang: str = "id") -> tuple[str, list[Reference]]:
    """The suggested methods paragraph of one rendered report and the works it cites.

    Parameters
    ----------
    folder : path
        A period folder written by ``mutasi report`` (``reports/2026-S1``).
    lang : {"id", "en"}

    Returns
    -------
    paragraph : str
    cited : list of Reference
        In citation order.

    Raises
    ------
    MutasiError
        When the folder holds no manifest.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if not manifest:
        raise MutasiError(f"{folder} has no readable manifest.json; render it with `mutasi report` first")
    version = (manifest.get("packages") or {}).get("mutasi-analysis", "?")
    git = manifest.get("git") or {}
    commit = str(git.get("commit") or "")[:12] or text.template("cite.no_commit", lang)
    if git.get("dirty"):
        commit += text.template("cite.dirty", lang)
    region = (manifest.get("region") or {}).get("name", "")
    from .manifest import period_name

    parts = [text.template("cite.software", lang, version=version, commit=commit, region=region,
                           period=period_name(manifest, lang),
                           date=text.fmt_date(str(manifest.get("ended", ""))[:10], lang))]
    keys: list[str] = []
    impact = _read_results(folder, IMPACT_SECTION)
    if impact and impact.get("status") == "ok":
        keys += ["callaway", "sun", "goodman"]
        parts.append(text.template("cite.did", lang, control=text.label(f"control_{impact.get('control')}", lang),
                                   cs=_cite("callaway", lang), sa=_cite("sun", lang), gb=_cite("goodman", lang)))
        draws = impact.get("draws") or {}
        perm = _draws(draws.get("randomization"), _parameter(folder, manifest, IMPACT_SECTION, "n_perm"), "perm", lang)
        boot = _draws(draws.get("wild_bootstrap"), _parameter(folder, manifest, IMPACT_SECTION, "n_boot"), "boot", lang)
        keys += ["fisher", "mackinnon", "cameron", "roodman"]
        # Under the not-yet-rotated comparison the permutation test recomputes the TWFE
        # coefficient (impact.analyse): the paragraph says so.
        how = ("cite.inference_ri" if impact.get("inference") == "randomization"
               else "cite.inference_analytic_twfe" if impact.get("control") == "notyet"
               else "cite.inference_analytic")
        parts.append(text.template(
            how, lang,
            perm=perm, boot=boot,
            level=text.fmt_pct(1 - float(impact.get("alpha", 0.05)), 0, lang),
            ri=f"{_cite('fisher', lang)}; {_cite('mackinnon', lang)}", wcb=f"{_cite('cameron', lang)}; {_cite('roodman', lang)}"))
        if impact.get("sensitivity"):
            keys.append("rambachan")
            parts.append(text.template("cite.sensitivity", lang, rr=_cite("rambachan", lang)))
    if _read_results(folder, IKM_SECTION) is not None:
        keys = ["permenpanrb", "krejcie", *keys]
        parts.append(text.template("cite.ikm", lang, reg=_cite("permenpanrb", lang), km=_cite("krejcie", lang)))
    cited = [r for r in REFERENCES if r.key in keys]
    return " ".join(parts), cited


def references(cited: list[Reference], lang: str = "en") -> list[str]:
    """The cited works as reference-list lines, sorted by author as a reference list is."""
    return [r.format(lang) for r in sorted(cited, key=lambda r: (r.authors.casefold(), r.year))]


def cite(folder: str | Path, lang: str = "id") -> str:
    """The methods paragraph and its reference list, as ``mutasi cite`` prints them."""
    paragraph, cited = methods_paragraph(folder, lang)
    lines = [paragraph, "", text.template("cite.references", lang), *(f"- {r}" for r in references(cited, lang))]
    return "\n".join(lines)
