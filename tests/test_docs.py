"""The methodology guide under ``docs/`` cannot go stale.

- Every ```pycon block in every page (Indonesian and English) is run with :mod:`doctest`,
  page by page, from the repository root, so each example calls the real package and its
  printed output must match.
- Every relative link points to an existing file (and an existing heading, for ``#anchors``).
- ``docs/id`` and ``docs/en`` hold the same pages, with the same number of executed examples,
  and ``docs/README.md`` links every page of both.
- The inference coverage figures quoted in the guide equal those in ``benchmarks/README.md``.
- The example ``manifest.json`` of a failed run has the keys a real failed run writes.
- The region-config table names exactly the config's sections and keys, and the report page
  describes exactly the notebooks in ``notebooks/``.
"""

from __future__ import annotations

import doctest
import json
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LANGS = ("id", "en")
# Written by others, linked from the guide but not part of it.
NOT_GUIDE = {DOCS / "definitions.md"}

# Fenced pycon blocks, also when indented inside a list item.
_FENCE = re.compile(r"^[ \t]*```pycon[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)
# [text](target) and ![alt](target); the target ends at whitespace or ")".
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_CODE = re.compile(r"^[ \t]*```.*?^[ \t]*```[ \t]*$", re.S | re.M)
_QUOTE = re.compile(r"<!-- coverage-quote:start -->(.*?)<!-- coverage-quote:end -->", re.S)
_README_BLOCK = re.compile(r"<!-- coverage:start -->(.*?)<!-- coverage:end -->", re.S)


def guide_pages() -> list[Path]:
    """Every Markdown page of the guide (the index and both language trees)."""
    pages = [DOCS / "README.md"]
    for lang in LANGS:
        pages += sorted((DOCS / lang).rglob("*.md"))
    return pages


def pycon_blocks(text: str) -> list[str]:
    """The bodies of the ```pycon fenced blocks of a Markdown text, dedented."""
    return [textwrap.dedent(m.group(1)) for m in _FENCE.finditer(text)]


def run_examples(text: str, name: str) -> tuple[doctest.TestResults, str]:
    """Run the pycon blocks of ``text`` in order in one namespace (as a reader following the
    page would) and return the results with the failure report; failures name the line of the
    Markdown file."""
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"__name__": f"docs:{name}"}
    out: list[str] = []
    for m in _FENCE.finditer(text):
        lineno = text.count("\n", 0, m.start(1))  # 0-based line of the block's first line
        test = parser.get_doctest(textwrap.dedent(m.group(1)), globs, name, name, lineno)
        runner.run(test, out=out.append, clear_globs=False)
        globs = test.globs  # DocTest copies its globals: carry this block's names to the next
    return runner.summarize(verbose=False), "".join(out)


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


# ----------------------------------------------------------------------------- examples
def test_the_guide_exists_in_both_languages_with_examples():
    for lang in LANGS:
        pages = sorted((DOCS / lang).glob("*.md"))
        assert pages, f"docs/{lang} has no pages"
        n = sum(len(pycon_blocks(p.read_text(encoding="utf-8"))) for p in pages)
        # The guide's promise is executed examples: an extractor that finds none is broken.
        assert n >= 10, f"docs/{lang}: only {n} pycon examples found"


def _pages_with_examples() -> list[Path]:
    return [p for p in guide_pages() if p.exists() and pycon_blocks(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", _pages_with_examples(), ids=_rel)
def test_examples_run_and_match_their_printed_output(page, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name files relative to the repository root
    monkeypatch.setenv("MPLBACKEND", "agg")
    results, report = run_examples(page.read_text(encoding="utf-8"), _rel(page))
    assert results.failed == 0, f"{_rel(page)}: {results.failed} example(s) failed\n{report}"


def test_the_harness_catches_a_wrong_example_and_runs_from_the_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    good = "Text.\n\n```pycon\n>>> from mutasi_analysis import ikm\n>>> ikm.category(88.31)\n('A', 'Sangat Baik')\n```\n"
    bad = good.replace("('A', 'Sangat Baik')", "('B', 'Baik')")
    cwd = "```pycon\n>>> from pathlib import Path\n>>> Path('config/alak.toml').is_file()\nTrue\n```\n"
    assert run_examples(good, "good")[0] == doctest.TestResults(0, 2)
    failed, report = run_examples(bad, "bad")
    assert failed.failed == 1 and "('A', 'Sangat Baik')" in report
    assert 'File "bad", line 5' in report  # the line of the Markdown text, to find it quickly
    two_blocks = "```pycon\n>>> x = 2\n```\n\nText.\n\n```pycon\n>>> x + 1\n3\n```\n"
    assert run_examples(two_blocks, "two")[0] == doctest.TestResults(0, 2)  # names carry over
    assert run_examples(cwd, "cwd")[0].failed == 0
    indented = "- In a list item:\n\n  ```pycon\n  >>> 1 + 1\n  2\n  ```\n"
    assert run_examples(indented, "indented")[0] == doctest.TestResults(0, 1)


def test_event_study_figure_script_draws_a_non_blank_image(tmp_path):
    import importlib.util

    import matplotlib.image

    spec = importlib.util.spec_from_file_location("event_study_figure", DOCS / "examples" / "event_study_figure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The simulated panel carries the effect the caption states: -1.5 from the rotation month.
    res = module.did.att_gt(module.example_panel(), "y", "office", "t", "cohort").aggregate("simple")
    lo, hi = res.conf_int()
    assert lo < -1.5 < hi
    png = module.draw(tmp_path / "es.png")
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[0] > 200 and pixels.shape[1] > 400
    assert pixels[..., :3].std() > 0.05  # not a blank canvas
    assert (DOCS / "examples" / "event-study-guide.png").is_file()


# -------------------------------------------------------------------------------- links
def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    h = re.sub(r"`|\*\*|\*|_{2}", "", heading.strip().lower())
    h = re.sub(r"[^\w\- ]", "", h, flags=re.U)
    return h.replace(" ", "-")


def _anchors(md: Path) -> set[str]:
    text = _CODE.sub("", md.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    out = set()
    for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        s = _slug(m.group(1))
        k = seen.get(s, 0)
        out.add(s if k == 0 else f"{s}-{k}")
        seen[s] = k + 1
    return out


def _links(page: Path) -> list[str]:
    text = _CODE.sub("", page.read_text(encoding="utf-8"))  # links inside code are not links
    return _LINK.findall(text)


@pytest.mark.parametrize("page", [p for p in guide_pages() if p.exists()], ids=_rel)
def test_relative_links_point_to_existing_files_and_headings(page):
    broken = []
    for target in _links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        dest = page if not path else (page.parent / path).resolve()
        if not dest.exists():
            broken.append(f"{target} (no file {dest})")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {_rel(dest)})")
    assert not broken, f"{_rel(page)} has broken links: {broken}"


def test_link_check_sees_links_and_slugs_headings_like_github():
    assert _slug("5. Wild cluster bootstrap (WCR)") == "5-wild-cluster-bootstrap-wcr"
    assert _slug("Apa arti `share_rotated_in`?") == "apa-arti-share_rotated_in"
    assert _LINK.findall("see [a](../b.md#c) and ![img](x.png) and [w](https://e.org)") == [
        "../b.md#c", "x.png", "https://e.org"]


# ------------------------------------------------------- prose that names code and files
def _config_schema() -> dict[str, set[str]]:
    """Each TOML section of a region config and its keys, from the pydantic models."""
    import typing

    from pydantic import BaseModel

    from mutasi_analysis.config import RegionConfig

    def model_of(annotation):
        for a in (annotation, *typing.get_args(annotation)):
            if isinstance(a, type) and issubclass(a, BaseModel):
                return a
        return None

    out: dict[str, set[str]] = {}

    def walk(model, prefix):
        keys = set()
        for name, field in model.model_fields.items():
            sub = model_of(field.annotation)
            if sub is not None:
                walk(sub, f"{prefix}.{name}" if prefix else name)
            elif prefix or name != "source":  # RegionConfig.source is where it was loaded from
                keys.add(name)
        if prefix:
            out[prefix] = keys

    walk(RegionConfig, "")
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_region_config_table_lists_every_section_and_key(lang):
    """The table in extending.md names exactly the sections and keys the config accepts."""
    text = (DOCS / lang / "extending.md").read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    for line in text.splitlines():
        m = re.match(r"^\|\s*`\[\[?([a-z_.]+)\]\]?`[^|]*\|([^|]*)\|", line)
        if m:
            documented[m.group(1)] = set(re.findall(r"`([a-z_]+)`", m.group(2)))
    assert documented == _config_schema()


@pytest.mark.parametrize("lang", LANGS)
def test_report_sections_page_describes_exactly_the_report_notebooks(lang):
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert notebooks, "no report notebooks found"
    text = (DOCS / lang / "report-sections.md").read_text(encoding="utf-8")
    described = dict(re.findall(r"^## ([0-9]{2}_[a-z_]+): (.+?)\s*$", text, re.M))
    assert set(described) == notebooks
    from mutasi_analysis.text import section_title

    # Each section is called what the report itself calls it.
    assert described == {nb: section_title(nb, lang) for nb in notebooks}


# --------------------------------------------------------------------------- structure
def test_id_and_en_have_the_same_pages_and_the_same_number_of_examples():
    pages = {lang: {p.relative_to(DOCS / lang).as_posix() for p in (DOCS / lang).rglob("*.md")} for lang in LANGS}
    assert pages["id"] == pages["en"], (
        f"only in docs/id: {sorted(pages['id'] - pages['en'])}; only in docs/en: {sorted(pages['en'] - pages['id'])}")
    for rel in sorted(pages["id"]):
        n = {lang: sum(b.count("\n>>> ") + b.startswith(">>> ")
                       for b in pycon_blocks((DOCS / lang / rel).read_text(encoding="utf-8"))) for lang in LANGS}
        assert n["id"] == n["en"], f"{rel}: {n['id']} example lines in Indonesian, {n['en']} in English"


def test_index_links_every_page_of_both_languages():
    index = DOCS / "README.md"
    linked = {(DOCS / t.partition("#")[0]).resolve() for t in _links(index) if not re.match(r"^[a-z]+:", t)}
    missing = [_rel(p) for lang in LANGS for p in sorted((DOCS / lang).rglob("*.md")) if p.resolve() not in linked]
    assert not missing, f"docs/README.md does not link {missing}"
    assert (DOCS / "definitions.md").resolve() in linked  # the developer reference is linked, not copied


# ------------------------------------------------------------------- coverage figures
def _md_rows(block: str) -> list[list[str]]:
    rows = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("|") and not re.match(r"^\|[\s:|-]+\|$", line):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[1:]  # drop the header row


def _number(cell: str) -> str:
    """The number in a cell, in English notation (the Indonesian pages write 5,2%)."""
    m = re.search(r"[+-]?\d+(?:[.,]\d+)?", cell)
    assert m, f"no number in cell {cell!r}"
    return m.group(0).replace(",", ".")


def _numbers(cell: str) -> list[str]:
    """Every number in a cell (a figure and its Monte Carlo SE in parentheses), English notation."""
    found = [n.replace(",", ".") for n in re.findall(r"[+-]?\d+(?:[.,]\d+)?", cell)]
    assert found, f"no number in cell {cell!r}"
    return found


def coverage_quotes(lang: str) -> list[list[str]]:
    quotes = []
    for page in sorted((DOCS / lang).glob("*.md")):
        for m in _QUOTE.finditer(page.read_text(encoding="utf-8")):
            quotes += _md_rows(m.group(1))
    return quotes


def test_quoted_coverage_figures_match_benchmarks_readme():
    readme = ROOT / "benchmarks" / "README.md"
    block = _README_BLOCK.search(readme.read_text(encoding="utf-8")) if readme.exists() else None
    quotes = {lang: coverage_quotes(lang) for lang in LANGS}
    if block is None:
        assert not any(quotes.values()), "the guide quotes coverage figures but benchmarks/README.md has none"
        pytest.skip("benchmarks/README.md has no coverage table yet (benchmarks/coverage_study.py --write)")
    table = {r[0]: r[1:] for r in _md_rows(block.group(1))}
    for lang in LANGS:
        assert quotes[lang], f"docs/{lang} does not quote the coverage table of benchmarks/README.md"
        for row in quotes[lang]:
            method = row[0].strip("` ")
            assert method in table, f"docs/{lang}: method {method!r} is not in benchmarks/README.md"
            # Quoted columns are the README's columns in the same order (headers may be translated),
            # each figure with its Monte Carlo SE.
            for k, cell in enumerate(row[1:]):
                assert _numbers(cell) == _numbers(table[method][k]), (
                    f"docs/{lang}: {method} column {k + 1} quotes {cell!r}, README says {table[method][k]!r}")
    assert [r[0] for r in quotes["id"]] == [r[0] for r in quotes["en"]]


def test_coverage_quote_parser_reads_both_notations():
    block = "| metode | ukuran |\n|---|---|\n| `WCR bootstrap on TWFE` | 5,2% |\n"
    assert _md_rows(block) == [["`WCR bootstrap on TWFE`", "5,2%"]]
    assert _number("5,2%") == _number("5.2%") == "5.2"
    assert _number("+0.031") == "+0.031"
    assert _numbers("7,4% (0,6)") == _numbers("7.4% (0.6)") == ["7.4", "0.6"]
    assert _numbers("-0.013 (0.009)") == ["-0.013", "0.009"]


# -------------------------------------------------------------------- failed manifest
def _shape(value, depth: int = 0):
    """Key structure of a JSON value (keys of dicts, recursively; values' types ignored)."""
    if isinstance(value, dict) and depth < 3:
        return {k: _shape(v, depth + 1) for k, v in value.items()}
    return None


@pytest.mark.slow
@pytest.mark.render
def test_example_manifest_has_the_keys_of_a_real_failed_run(tmp_path, monkeypatch):
    import datetime as dt
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "reporting"))
    from report_helpers import write_project

    from mutasi_analysis.reporting import pipeline

    monkeypatch.setattr(pipeline, "code_digest", lambda: "pinned")  # others edit the package meanwhile
    proj = write_project(tmp_path)
    outcome = pipeline.run_report(
        "2026-S1", region=proj["region"], processed=proj["processed"], reports=proj["reports"],
        notebooks=proj["notebooks"], only="01", parameters={"fail": True}, today=dt.date(2026, 11, 28),
        out=lambda s: None,
    )
    assert outcome.exit_code == 1
    real = json.loads((proj["reports"] / "_failed" / "2026-S1" / "manifest.json").read_text(encoding="utf-8"))
    example = json.loads((DOCS / "examples" / "manifest-failed.json").read_text(encoding="utf-8"))
    assert real["status"] == example["status"] == "failed"
    real_top, ex_top = _shape(real), _shape(example)
    assert set(ex_top) == set(real_top), (
        f"example top-level keys differ: missing {set(real_top) - set(ex_top)}, extra {set(ex_top) - set(real_top)}")
    real_nb = _shape(real["notebooks"]["01_a"])
    for name in example["failed"]:
        ex_nb = _shape(example["notebooks"][name])
        assert set(ex_nb) == set(real_nb), f"notebook entry keys differ: {set(real_nb) ^ set(ex_nb)}"
        for key in ("failed_cell", "error"):
            assert set(ex_nb[key]) == set(real_nb[key]), f"{key} keys differ"


def test_api_table_matches_the_code():
    """docs/*/api.md lists every public function of did with its arguments and result fields,
    as the code has them now (``make api-docs`` rewrites the table)."""
    from mutasi_analysis import did
    from mutasi_analysis.did._api import api_markdown, write_pages

    stale = write_pages(ROOT, check=True)
    assert not stale, f"{[str(p.relative_to(ROOT)) for p in stale]} out of date: run `make api-docs`"
    table = api_markdown("en")
    functions = [n for n in did.__all__ if callable(getattr(did, n)) and not isinstance(getattr(did, n), type)]
    for name in functions:
        assert f"| `{name}` |" in table
    assert "`n_boot=9999`" in table and "`B=" not in table  # the deprecated alias is not advertised
