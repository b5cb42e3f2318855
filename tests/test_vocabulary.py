"""One vocabulary: every reader-facing word lives in ``mutasi_analysis.text`` with both languages."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from mutasi_analysis import impact, rotation, services, text
from mutasi_analysis.reporting import notebook

PACKAGE = Path(text.__file__).parent
# Bilingual literals still written outside the catalogue, each with its reason. A new file here
# needs a reason a reviewer accepts; the list only shrinks.
OUTSIDE_THE_CATALOGUE = {
    "did/_api.py": "the developer docs' API table (docs/*/api.md), not a report",
    "reporting/index.py": "LANG_ROOTS: the folder of each language's reports, not words",
}
# Entries whose languages number differently: Indonesian periods take Roman numerals.
PLACEHOLDERS_DIFFER = {"period_semester", "period_quarter"}


def _fields(pattern: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(pattern) if f}


@pytest.mark.parametrize("catalogue", ["LABELS", "TEMPLATES"])
def test_every_entry_has_both_languages_with_the_same_placeholders(catalogue):
    entries = getattr(text, catalogue)
    for key, entry in entries.items():
        assert set(entry) == set(text.LANGS), f"{catalogue}[{key!r}] has {sorted(entry)}"
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), f"{catalogue}[{key!r}] has an empty text"
        if key not in PLACEHOLDERS_DIFFER:
            assert _fields(entry["id"]) == _fields(entry["en"]), f"{catalogue}[{key!r}]: placeholders differ"


def test_the_modules_label_lists_are_views_of_the_one_catalogue():
    for module_labels in (rotation.LABELS, services.LABELS, impact.LABELS, notebook.LABELS):
        for key, entry in module_labels.items():
            assert entry == text.LABELS[key], key
    # The wordings that used to disagree between a module and the notebooks now agree.
    assert notebook.LABELS["respon_hari_kerja_mean"] == services.LABELS["respon_hari_kerja_mean"]
    assert notebook.LABELS["rate_masuk"]["id"] == rotation.LABELS["rate_masuk"]["id"] == "Tingkat mutasi masuk"
    assert text.label("conf_low") == "Batas bawah SK" == text.namespace("impact_table")["conf_low"]["id"]


def _bilingual_literals(path: Path) -> list[int]:
    """Lines of dict literals ``{"id": <text>, "en": <text>}`` (text: a string, an f-string or a list of them)."""
    texts = (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.BinOp, ast.Dict)
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) for k in node.keys):
            if {k.value for k in node.keys} == {"id", "en"} and all(isinstance(v, texts) for v in node.values):
                lines.append(node.lineno)
    return lines


def test_no_words_are_written_outside_the_catalogue():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "text.py" or rel in OUTSIDE_THE_CATALOGUE:
            continue
        if lines := _bilingual_literals(path):
            found[rel] = lines
    assert not found, f"Indonesian/English text outside mutasi_analysis/text.py (move it there): {found}"


def test_the_scan_sees_a_bilingual_literal(tmp_path):
    bad = tmp_path / "m.py"
    bad.write_text('TITLE = {"id": "Judul", "en": "Title"}\nOK = {"id": x, "en": y}\n', encoding="utf-8")
    assert _bilingual_literals(bad) == [1]


def test_one_name_for_a_confidence_interval_in_indonesian():
    """"SK" (selang kepercayaan) everywhere: never "IK" or "interval kepercayaan" beside it."""
    import re

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    sources = [p.read_text(encoding="utf-8") for p in sorted(notebooks.glob("*.ipynb")) + sorted(notebooks.glob("gabungan/*.ipynb"))]
    sources += [p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))]
    for src in sources:
        assert not re.search(r"\bIK\b", src), "write SK (selang kepercayaan), not IK"
        assert "interval kepercayaan" not in src.lower(), "write selang kepercayaan"


def test_the_report_writes_none_of_the_terms_the_glossary_says_to_avoid():
    """The guide and the report share one glossary (docs/id/glossary.md): what the guide may
    not write, the report's Indonesian (the catalogue and the notebooks' words) may not either."""
    import json
    import re

    from tests.test_docs_language import glossary_rows

    avoid = sorted({a for row in glossary_rows("id") for a in row["avoid"]})
    assert "unit dirotasi" in avoid and "interval kepercayaan" in avoid  # the glossary was read
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(a)}(?![\w-])" for a in avoid), re.I)
    found = {}
    for key, entry in {**text.LABELS, **text.TEMPLATES}.items():
        if m := pattern.search(entry["id"]):
            found[key] = m.group(0)
    tables = [v for v in vars(text).values() if isinstance(v, dict) and v
              and all(isinstance(e, dict) and set(e) == set(text.LANGS) for e in v.values())]
    for table in tables:
        for key, entry in table.items():
            if m := pattern.search(entry["id"]):
                found[key] = m.group(0)
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    for nb in sorted(notebooks.glob("*.ipynb")) + sorted(notebooks.glob("gabungan/*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if m := pattern.search("".join(cell["source"])):
                found[f"{nb.name} cell {i}"] = m.group(0)
    assert not found, f"terms the glossary says to avoid, in the report: {found}"
