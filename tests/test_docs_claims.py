"""Claims the documentation makes about the code, checked against the code.

Each test reads a statement from a document (a table, a list between markers, a number) and
compares it with what the code says or does, so that the document cannot drift from the code
unnoticed. Expectations come from the code (constants, defaults, signatures, behaviour),
never from numbers written again here. The documents: the English guide (``docs/en``, except
the glossary), ``docs/definitions.md``, ``docs/README.md``, the data READMEs, the region config
``config/alak.toml``, ``benchmarks/README.md`` and ``CITATION.cff``.
"""

from __future__ import annotations

import inspect
import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from mutasi_analysis import ikm, survey
from mutasi_analysis.config import Limits, RegionConfig, Thresholds, TreatmentSettings, load_config
from mutasi_analysis.contract import LIKERT_ITEMS, SKM_ELEMENTS
from mutasi_analysis.ingest import EVENT_DATES, REJECT_COLUMNS
from mutasi_analysis.readers import parse_datetime
from mutasi_analysis.schemas import REASONS, SPECS
from mutasi_analysis.text import LABELS
from tests.conftest import require_module

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EN = DOCS / "en"
RAW_READMES = {"en": ROOT / "data" / "raw" / "README.md", "id": ROOT / "data" / "raw" / "README.id.md"}
PROCESSED_README = ROOT / "data" / "processed" / "README.md"
DEFINITIONS = DOCS / "definitions.md"
CITATION = ROOT / "CITATION.cff"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def flat(text: str) -> str:
    """Whitespace (line breaks included) as single spaces: claims wrap across lines."""
    return re.sub(r"\s+", " ", text)


def notebook_source(name: str) -> str:
    nb = json.loads(read(ROOT / "notebooks" / f"{name}.ipynb"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def notebook_defaults(name: str) -> dict[str, str]:
    """The ``parameters`` cell of a report notebook: name -> default as written."""
    nb = json.loads(read(ROOT / "notebooks" / f"{name}.ipynb"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    return dict(re.findall(r"^(\w+)\s*:\s*\w+\s*=\s*([^#\n]+?)\s*(?:#|$)", "".join(cell["source"]), re.M))


def calls(source: str, function: str) -> list[str]:
    """The argument text of every call ``function(...)`` in ``source`` (parentheses balanced)."""
    out = []
    for m in re.finditer(re.escape(function) + r"\(", source):
        depth, i = 1, m.end()
        while depth and i < len(source):
            depth += {"(": 1, ")": -1}.get(source[i], 0)
            i += 1
        out.append(source[m.end():i - 1])
    return out


def marked(text: str, name: str) -> str:
    """The text between ``<!-- name:start -->`` and ``<!-- name:end -->`` (exactly one block)."""
    blocks = re.findall(rf"<!-- {name}:start -->(.*?)<!-- {name}:end -->", text, re.S)
    assert len(blocks) == 1, f"expected one <!-- {name}:start/end --> block, found {len(blocks)}"
    return blocks[0]


def table_rows(text: str) -> list[list[str]]:
    """Cells of every Markdown table row (separator rows left out)."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("|") and not re.fullmatch(r"\|[\s:|-]+\|", line):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


# ------------------------------------------------------------------ item 8: IKM grade words
def grade_glosses(text: str) -> dict[str, tuple[str, str]]:
    """``{grade: (Indonesian, English)}`` from rows like ``| 65.00 to 76.60 | C | Kurang Baik (Poor) |``."""
    out = {}
    for cells in table_rows(text):
        if len(cells) == 3 and re.fullmatch(r"[A-D]", cells[1]):
            m = re.fullmatch(r"(.+?) \((.+)\)", cells[2])
            assert m, f"grade row without 'Indonesian (English)': {cells}"
            out[cells[1]] = (m.group(1), m.group(2))
    return out


def test_ikm_page_glosses_each_grade_with_the_report_catalogue_words():
    documented = grade_glosses(read(EN / "ikm.md"))
    expected = {g: (LABELS[f"kinerja_{g}"]["id"], LABELS[f"kinerja_{g}"]["en"]) for g in "ABCD"}
    assert documented == expected
    # ... and the catalogue's Indonesian words are the ones ikm.category returns.
    assert {g: ikm.category(v)[1] for g, v in zip("ABCD", (90, 80, 70, 50))} == {g: w[0] for g, w in expected.items()}


def test_grade_gloss_reader_sees_a_wrong_word():
    wrong = "| IKM | grade | kinerja |\n|---|---|---|\n| 65.00 to 76.60 | C | Kurang Baik (not good) |\n"
    assert grade_glosses(wrong) == {"C": ("Kurang Baik", "not good")}
    assert grade_glosses(wrong)["C"][1] != LABELS["kinerja_C"]["en"]


# --------------------------------------------------------- item 11: rejects, floors, blanks
def listed_columns(cell: str) -> list[str]:
    """Column names of a prose list ``a, b (note), c (note [link](url)): remark``."""
    cell = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell)  # links to their text
    while re.search(r"\([^()]*\)", cell):
        cell = re.sub(r"\([^()]*\)", "", cell)  # notes in parentheses, innermost first
    return [c.strip(" `") for c in cell.split(":")[0].split(",")]


def test_processed_readme_lists_the_rejects_columns_of_the_code():
    row = next(r for r in table_rows(read(PROCESSED_README)) if r[0] == "`rejects.csv`")
    assert listed_columns(row[1]) == list(REJECT_COLUMNS)


def test_definitions_list_the_rejects_columns_and_reasons_of_the_code():
    text = read(DEFINITIONS)
    m = re.search(r"`rejects\.csv` columns: `([^`]+)`", text)
    assert m and [c.strip() for c in m.group(1).split(",")] == list(REJECT_COLUMNS)
    section = text.split("## Rejection reasons")[1].split("\n## ")[0]
    reasons = [r[0].strip("`") for r in table_rows(section)[1:]]
    assert reasons == list(REASONS), "the reason table must list the codes in the order checks rank them"


def test_column_list_reader_drops_notes_and_links():
    cell = "table, row (1-based), reason (a code of [defs](d.md#x)), detail (in words): raw values"
    assert listed_columns(cell) == ["table", "row", "reason", "detail"]


def _iso(day: str) -> str:
    """``01-01-1950`` or ``1950-01-01`` as ISO."""
    d, m, y = day.split("-") if re.fullmatch(r"\d{2}-\d{2}-\d{4}", day) else day.split("-")[::-1]
    return f"{y}-{m}-{d}"


def _accepted(day: str) -> bool:
    _, wrong, invalid = parse_datetime(pd.Series([day]))
    return not (wrong[0] or invalid[0])


def _code_floors() -> dict[str, str]:
    """Columns with their own earliest date, from the table specs."""
    return {c.name: c.min_date for s in SPECS.values() for c in s.columns if c.min_date}


@pytest.mark.parametrize("doc", ["definitions", "raw-en", "raw-id"])
def test_date_floors_in_the_docs_are_the_code_floors(doc):
    path = {"definitions": DEFINITIONS, "raw-en": RAW_READMES["en"], "raw-id": RAW_READMES["id"]}[doc]
    text = flat(read(path))
    before = r"(?:before|not before|tidak sebelum)"
    day = r"(\d{4}-\d{2}-\d{2}|\d{2}-\d{2}-\d{4})"
    general = re.search(rf"{before} {day} \(`", text)
    assert general, f"{path.name}: no 'before <date> (`column`: before <date>)' claim found"
    floor = _iso(general.group(1))
    # The general floor is what the date reader does: the floor itself is read, the day before is not.
    assert _accepted(pd.Timestamp(floor).strftime("%d-%m-%Y"))
    assert not _accepted((pd.Timestamp(floor) - pd.Timedelta(days=1)).strftime("%d-%m-%Y"))
    own = {c: _iso(d) for c, d in re.findall(rf"\(`(\w+)`: {before} {day}\)", text)}
    assert own == _code_floors()


def test_tanggal_sk_at_most_one_year_after_tmt_is_a_rule_and_is_documented():
    rule = next(fn for col, _, fn in SPECS["riwayat_jabatan"].date_order if col == "tanggal_sk")
    tmt = pd.Timestamp("2023-02-01")
    frame = pd.DataFrame({"tmt_jabatan": [tmt] * 2,
                          "tanggal_sk": [tmt + pd.DateOffset(years=1), tmt + pd.DateOffset(years=1, days=1)]})
    assert rule(frame).tolist() == [False, True]  # one year after is fine, a day more is not
    row = next(r for r in table_rows(read(DEFINITIONS)) if r[0] == "`date_order`")
    assert "`tanggal_sk` more than one year after `tmt_jabatan`" in row[1]
    # One documented case per date-order rule of the specs.
    n_rules = sum(len(s.date_order) for s in SPECS.values())
    assert len(row[1].split(":", 1)[1].split(";")) == n_rules


# Words that stand for a group of columns in the blank-allowed lists.
_GROUPS = {"en": {"SKM elements": SKM_ELEMENTS, "Likert items": LIKERT_ITEMS},
           "id": {"unsur SKM": SKM_ELEMENTS, "butir Likert": LIKERT_ITEMS}}


def blank_allowed(text: str, lang: str) -> set[str]:
    block = flat(marked(text, "blank-allowed"))
    names = set(re.findall(r"`(\w+)`", block))
    for words, columns in _GROUPS[lang].items():
        if words in block:
            names |= set(columns)
    return names


@pytest.mark.parametrize("lang", sorted(RAW_READMES))
def test_raw_readme_lists_exactly_the_columns_that_may_be_blank(lang):
    expected = {c.name for s in SPECS.values() for c in s.columns if not c.required}
    assert blank_allowed(read(RAW_READMES[lang]), lang) == expected


@pytest.mark.parametrize("lang", sorted(RAW_READMES))
def test_raw_readme_marks_exactly_the_columns_that_may_be_absent(lang):
    marked_optional = set(re.findall(r"^\| (\w+) \*\(opsional\)\* \|", read(RAW_READMES[lang]), re.M))
    assert marked_optional == {c.name for s in SPECS.values() for c in s.columns if c.optional_column}


def test_blank_list_reader_fails_on_a_missing_column():
    text = "<!-- blank-allowed:start -->`nama`, the SKM elements<!-- blank-allowed:end -->"
    assert blank_allowed(text, "en") == {"nama", *SKM_ELEMENTS}
    with pytest.raises(AssertionError):
        marked("no markers here", "blank-allowed")


def test_the_two_raw_readmes_link_each_other():
    assert "(README.id.md)" in read(RAW_READMES["en"])
    assert "(README.md)" in read(RAW_READMES["id"])


def test_processed_readme_names_the_dated_columns_of_data_end():
    row = next(r for r in table_rows(read(PROCESSED_README)) if r[0] == "`ingest_summary.json`")
    part = row[1].split("`data_end` is the latest date")[1].split(")")[0]
    assert set(re.findall(r"`(\w+)`", part)) == set(EVENT_DATES.values())


# ------------------------------------------------------- item 13: documents stand alone
def owned_documents() -> list[Path]:
    pages = [p for p in sorted(EN.glob("*.md")) if p.name != "glossary.md"]
    return pages + [DEFINITIONS, DOCS / "README.md", *RAW_READMES.values(), PROCESSED_README,
                    ROOT / "benchmarks" / "README.md", ROOT / "config" / "alak.toml", CITATION]


# A path to a sibling folder of the repository, the project's own notes, or an issue number.
_OUTSIDE = re.compile(r"\.\./shared|DOMAIN\.md|FIELD-NOTES|\bissues?\s+#?\d+|(?<![\w/])#\d+\b", re.I)


@pytest.mark.parametrize("path", owned_documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_document_names_no_file_or_issue_outside_the_repository(path):
    hits = [m.group(0) for m in _OUTSIDE.finditer(read(path))]
    assert not hits, f"{path.relative_to(ROOT)} refers outside the repository: {hits}"


def test_outside_reference_pattern_catches_each_kind():
    for text in ("Sources: ../shared/DOMAIN.md", "(FIELD-NOTES)", "Target (issue 2)", "see issue #9", "Issues 12"):
        assert _OUTSIDE.search(text), text
    for text in ("the shared input", "a known issue", "`#rejection-reasons`", "docs/en/ikm.md#uncertainty"):
        assert not _OUTSIDE.search(text), text


# ----------------------------------------------------------- defaults stated in the docs
def test_region_config_limits_are_the_code_defaults():
    """config/alak.toml says of [limits]: 'the values below are the defaults'."""
    assert "the values below are the defaults" in read(ROOT / "config" / "alak.toml")
    written = tomllib.loads(read(ROOT / "config" / "alak.toml"))["limits"]
    assert written == Limits().model_dump()


def test_default_numbers_quoted_in_the_guide_are_the_code_defaults():
    pages = {p.name: flat(read(p)) for p in EN.glob("*.md") if p.name != "glossary.md"}
    # min_cell_size "5 by default" wherever a page says it.
    found = [int(n) for text in pages.values()
             for n in re.findall(r"min_cell_size`?[^.]{0,80}?\(?(?:`\[thresholds\]` in the region config, )?(\d+) by default", text)]
    assert found and set(found) == {Thresholds().min_cell_size}
    # alpha's default and the level it gives.
    m = re.search(r"`\[thresholds\] alpha` in the region config \((\S+) by default, giving (\d+)% intervals\)", pages["inference.md"])
    assert m and float(m.group(1)) == Thresholds().alpha and int(m.group(2)) == round(100 * (1 - Thresholds().alpha))
    # The report's draws: the section 03 notebook's defaults (what the report uses) and analyse's.
    nb03 = notebook_defaults("03_dampak_layanan")
    analyse = inspect.signature(__import__("mutasi_analysis.impact", fromlist=["analyse"]).analyse).parameters
    n_perm = int(re.search(r"at most `n_perm` \((\d[\d,]*)\)", pages["inference.md"]).group(1).replace(",", ""))
    n_boot = int(re.search(r"`n_boot` = (\d[\d,]*)", pages["inference.md"]).group(1).replace(",", ""))
    assert n_perm == int(nb03["n_perm"]) == analyse["n_perm"].default
    assert n_boot == int(nb03["n_boot"]) == analyse["n_boot"].default
    # The IKM bootstrap's resamples.
    resamples = int(re.search(r"\((\d[\d,]*) resamples by default", pages["ikm.md"]).group(1).replace(",", ""))
    assert resamples == inspect.signature(ikm.bootstrap_ci).parameters["n_boot"].default == int(notebook_defaults("04_ikm")["n_boot"])
    # The default region's size and the default treatment threshold.
    offices = int(re.search(r"the default region has (\d+)", pages["inference.md"]).group(1))
    assert offices == len(load_config(ROOT / "config" / "alak.toml").units)
    threshold = re.search(r"uses `(\w+)` with a threshold of (\d+(?:\.\d+)?)", pages["extending.md"])
    assert (threshold.group(1), float(threshold.group(2))) == (TreatmentSettings().definition, TreatmentSettings().share_threshold)


# --------------------------------------------------------- item 10: what alpha governs
def test_intervals_documented_as_fixed_at_95_do_not_follow_alpha():
    text = flat(read(EN / "inference.md"))
    section = text.split("## Which intervals follow `alpha`")[1].split("## ")[0]
    fixed = section.split("stay at **95%**")[1]
    claims = re.findall(r"`(ikm|survey)\.(\w+)`, `level=([\d.]+)`", fixed)
    assert {(m, f) for m, f, _ in claims} == {("ikm", "bootstrap_ci"), ("survey", "training_link")}
    sources = {"bootstrap_ci": notebook_source("04_ikm"), "training_link": notebook_source("05_umpan_balik_asn")}
    for module, function, level in claims:
        fn = getattr({"ikm": ikm, "survey": survey}[module], function)
        assert inspect.signature(fn).parameters["level"].default == float(level)
        made = calls(sources[function], f"{module}.{function}")
        assert made, f"the report notebook no longer calls {module}.{function}"
        assert all("level" not in args and "alpha" not in args for args in made), (
            f"{module}.{function} is called with a level: the page says it stays at {level}")
    # The impact analysis follows the config's alpha: section 03 passes none of its own.
    made = calls(notebook_source("03_dampak_layanan"), "impact.analyse")
    assert made and all("alpha" not in args for args in made)
    assert inspect.signature(__import__("mutasi_analysis.impact", fromlist=["x"]).analyse).parameters["alpha"].default is None


def test_call_reader_balances_parentheses():
    assert calls("x = ikm.bootstrap_ci(a, by=(1, 2), level=0.9)\n", "ikm.bootstrap_ci") == ["a, by=(1, 2), level=0.9"]


# ------------------------------------------------------------- item 12: event time 0
def test_event_time_zero_is_the_first_rotated_month_as_the_page_says():
    from mutasi_analysis import did

    text = flat(read(EN / "estimators.md"))
    assert "the rotation month itself (the first rotated month, event time 0)" in text
    assert "0 is the first rotated month" in text
    # An effect only in the rotation month (t == cohort) shows at event time 0 and nowhere else.
    rows = []
    for i, (office, g) in enumerate({"N1": 0, "N2": 0, "R1": 4, "R2": 4}.items()):
        for t in range(1, 8):
            rows.append({"office": office, "t": t, "cohort": g, "y": 10 + i + 0.5 * t + (2.0 if t == g else 0.0)})
    es = did.att_gt(pd.DataFrame(rows), "y", "office", "t", "cohort").aggregate("event").table
    effect = dict(zip(es["event_time"].astype(int), es["estimate"].round(9)))
    assert effect[0] == 2.0 and all(v == 0.0 for e, v in effect.items() if e != 0)


# ------------------------------------------------------------------------- CITATION.cff
def test_citation_file_parses_and_carries_the_package_version_and_licence():
    yaml = require_module("yaml", "reads CITATION.cff (PyYAML comes with jupyterlab's jupyter_events)")
    import mutasi_analysis

    cff = yaml.safe_load(read(CITATION))
    project = tomllib.loads(read(ROOT / "pyproject.toml"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == project["name"] == "mutasi-analysis"
    assert str(cff["version"]) == project["version"] == mutasi_analysis.__version__
    assert cff["license"] == project["license"]
    assert cff["authors"] == [{"name": "mutasi-analysis contributors"}] and cff["message"]
    for ref in cff["references"]:
        assert ref["type"] and ref["title"] and ref["authors"] and isinstance(ref["year"], int), ref
    # Every reference is also in the guide's citing page, by its full title.
    page = flat(read(EN / "citing.md")).casefold()
    missing = [r["title"] for r in cff["references"] if flat(r["title"]).casefold() not in page]
    assert not missing, f"docs/en/citing.md lacks {missing}"


def test_citation_names_the_weights_the_report_uses():
    yaml = require_module("yaml", "reads CITATION.cff (PyYAML comes with jupyterlab's jupyter_events)")
    from mutasi_analysis.did import wild_cluster_bootstrap
    from mutasi_analysis.did.sunab import SunAbrahamResult

    refs = {r["title"]: r for r in yaml.safe_load(read(CITATION))["references"]}
    # The report calls SunAbrahamResult.wild_bootstrap with its default weights.
    default = inspect.signature(SunAbrahamResult.wild_bootstrap).parameters["weights"].default
    assert default == inspect.signature(wild_cluster_bootstrap).parameters["weights"].default == "rademacher"
    assert "Rademacher" in refs["Bootstrap-Based Improvements for Inference with Clustered Errors"]["notes"]
    assert "not used by the report" in refs["Reworking wild bootstrap-based inference for clustered errors"]["notes"]


def test_region_config_model_is_what_the_defaults_test_reads():
    # Guards the tests above: the config sections they read exist under these names.
    assert {"thresholds", "treatment", "limits", "units"} <= set(RegionConfig.model_fields)


# -------------------------------------------------------------- item 14: SIASN unit ids
def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"^```toml\n(.*?)^```", text, re.S | re.M)


@pytest.mark.parametrize("lang", sorted(RAW_READMES))
def test_siasn_unit_ids_work_as_the_raw_readme_says(lang, tmp_path):
    import datetime as dt

    from mutasi_analysis.ingest import _validate
    from mutasi_analysis.readers import read_raw

    block = next(b for b in _toml_blocks(read(RAW_READMES[lang])) if "siasn_ids" in b)
    unit = tomllib.loads(block)["units"][0]
    cfg = RegionConfig.model_validate({"region": {"code": "contoh", "name": "Contoh"}, "units": [unit]})
    (sid,) = cfg.units[0].siasn_ids
    # An export naming the unit by its SIASN id under SIASN's own header, in another case.
    csv = tmp_path / "unit.csv"
    csv.write_text(f"unorId,nama_unit,jenis_unit,kelurahan\n{sid.swapcase()},{unit['name']},{unit['type']},"
                   f"{unit['kelurahan']}\nNOT-A-UNIT,X,pustu,Y\n", encoding="utf-8")
    ok, rejected = _validate(read_raw(csv, SPECS["unit"].names, "unit"), SPECS["unit"], cfg, dt.date(2026, 1, 1))
    assert ok["kode_unit"].tolist() == [unit["code"]]  # written as the unit's code
    assert rejected["reason"].tolist() == ["unknown_unit"]  # neither a code nor a listed id
    # The region config's comment shows the same key.
    assert re.search(r"^#\s+siasn_ids = \[", read(ROOT / "config" / "alak.toml"), re.M)


# ------------------------------------------------------------ item 5: when a period appears
def test_latest_stops_at_the_data_and_the_job_says_what_it_waits_for():
    import datetime as dt

    from mutasi_analysis.reporting.pipeline import resolve_period, waiting_for_data

    text = flat(read(EN / "scheduled-runs.md"))
    assert "ends on or before the last date of the processed data (`data_end`" in text
    assert "prints `waiting for data up to <date>`, the last day of that period" in text
    today, data_end = dt.date(2027, 7, 1), dt.date(2027, 5, 31)  # 2027-S1 has ended, its data has not come in
    latest = resolve_period("latest", "semester", today=today, data_end=data_end)
    assert latest.id == "2026-S2"
    line = waiting_for_data(latest, today, data_end)
    assert line is not None and "waiting for data up to 2027-06-30" in line
    assert waiting_for_data(resolve_period("latest", "semester", today=today, data_end=dt.date(2027, 6, 30)),
                            today, dt.date(2027, 6, 30)) is None  # the data are in: nothing to wait for


# ------------------------------------------------------------------ item 9: without Pango
def test_without_pango_the_config_pdf_is_skipped_with_one_line_and_pdf_flag_stops(monkeypatch, capsys):
    import argparse

    from mutasi_analysis.errors import MutasiError
    from mutasi_analysis.reporting import cli as report_cli
    from mutasi_analysis.reporting import pdf

    text = flat(read(EN / "report-sections.md"))
    assert "prints one line saying there is no PDF this run and why, and exits 0" in text
    assert "`--pdf` on the command line stops at once with that line instead (exit 2)" in text
    monkeypatch.setattr(pdf, "pdf_engine_problem", lambda: "the PDF needs the Pango libraries (test)")
    region = str(ROOT / "config" / "alak.toml")
    assert load_config(region).report.pdf  # the default region asks for the PDF in its config
    exports = report_cli._exports(argparse.Namespace(pdf=None, region=region))
    assert list(exports) == ["handover"]  # the report goes on, without the PDF
    printed = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(printed) == 1 and "no PDF" in printed[0]
    with pytest.raises(MutasiError) as stop:
        report_cli._exports(argparse.Namespace(pdf=True, region=region))
    assert stop.value.exit_code == 2


# ------------------------------------------------------------- the citing page, mutasi cite
@pytest.mark.parametrize("lang", ["en", "id"])
def test_citing_page_outline_is_what_mutasi_cite_writes(tmp_path, lang):
    from mutasi_analysis import text
    from mutasi_analysis.reporting.citation import methods_paragraph
    from mutasi_analysis.reporting.manifest import MANIFEST_SCHEMA, period_name

    draws = notebook_defaults("03_dampak_layanan")  # the report's own draws
    manifest = {"schema": MANIFEST_SCHEMA, "period": "2026-S1", "period_start": "2026-01-01", "period_end": "2026-06-30", "lang": "en",
                "ended": "2026-07-02T01:00:00+00:00", "packages": {"mutasi-analysis": "9.9.9"},
                "git": {"commit": "abcdef123456", "dirty": False}, "region": {"name": "Kecamatan Contoh"},
                "notebooks": {"03_dampak_layanan": {"parameters": {k: int(draws[k]) for k in ("n_perm", "n_boot")}}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    impact = {"status": "ok", "control": "never", "inference": "randomization", "alpha": Thresholds().alpha,
              "sensitivity": {"breakdown": 0.5}}
    (tmp_path / "03_dampak_layanan.json").write_text(json.dumps({"results": impact}), encoding="utf-8")
    (tmp_path / "04_ikm.json").write_text(json.dumps({"results": {}}), encoding="utf-8")
    paragraph, cited = methods_paragraph(tmp_path, lang)

    page = read((EN if lang == "en" else DOCS / "id") / "citing.md")
    outline = flat(" ".join(line[2:] for line in page.splitlines() if line.startswith("> ")))
    words = {"en": ("*region*", "*period*", "*date*"), "id": ("*wilayah*", "*periode*", "*tanggal*")}[lang]
    for placeholder, value in {words[0]: "Kecamatan Contoh", words[1]: period_name(manifest, lang),
                               "*V*": "9.9.9", "*C*": "abcdef123456",
                               words[2]: text.fmt_date("2026-07-02", lang)}.items():
        outline = outline.replace(placeholder, value)
    assert outline == flat(paragraph)
    # Every work the command can cite is in CITATION.cff, by its title.
    yaml = require_module("yaml", "reads CITATION.cff (PyYAML comes with jupyterlab's jupyter_events)")
    titles = {flat(r["title"]).casefold() for r in yaml.safe_load(read(CITATION))["references"]}
    from mutasi_analysis.reporting.citation import REFERENCES

    assert {r.title.casefold() for r in REFERENCES} <= titles
    assert {r.key for r in cited} == {r.key for r in REFERENCES}  # this outline cites them all
    # The command and options the page shows exist.
    from mutasi_analysis.cli import build_parser

    for line in re.findall(r"^\.venv/bin/mutasi (cite [^#\n]+?)\s*(?:#|$)", page, re.M):
        args = build_parser().parse_args(line.split())
        assert args.command == "cite" and args.period == "2026-S1"
