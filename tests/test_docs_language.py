"""The Indonesian guide speaks the report's language, and says what the English guide says.

- The glossary (``docs/id/glossary.md``, mirrored by ``docs/en/glossary.md``) and the report
  agree: every term marked as used in the report is written so in the report's catalogue
  (``mutasi_analysis.text``), in Indonesian and in English.
- No Indonesian page uses a term the glossary says to avoid, nor a calque named in issue 17.
- ``docs/id`` and ``docs/en`` hold the same pages, and every Indonesian page keeps the facts of
  its English mirror that can be checked mechanically: the same code examples (the same calls
  in the same order; the same shell and TOML lines) and every command, file path and code
  name the English page writes in backticks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mutasi_analysis import text as catalogue

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GLOSSARY = {"id": DOCS / "id" / "glossary.md", "en": DOCS / "en" / "glossary.md"}
# Column headers of the glossary tables, per language: (term, other language's term, meaning,
# avoid in Indonesian, in the report) and the words of the last column.
HEADERS = {
    "id": (("Istilah", "Bahasa Inggris", "Arti", "Hindari", "Di laporan"), {"ya": True, "tidak": False}),
    "en": (
        ("English term", "Indonesian term", "Meaning", "Avoid in Indonesian", "In the report"),
        {"yes": True, "no": False},
    ),
}
# Calques named in issue 17 ("Language and reference"), kept out whatever the glossary says.
ISSUE_CALQUES = (
    r"potongan-potongan kecil yang bersih",
    r"kekuatannya kecil",
    r"pendapat kedua",
    r"\d+(?:,\d+)?\s?% kali",  # "4,5% kali" for "4.5% of the time"
    r"unit dirotasi",
)

_FENCE = re.compile(r"^[ \t]*```([\w-]*)[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)
_INLINE = re.compile(r"`([^`\n]+)`")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


# ------------------------------------------------------------------------------ glossary
def glossary_rows(lang: str, source: str | None = None) -> list[dict]:
    """The rows of every glossary table of ``lang``: id and en terms (lists of variants), the
    avoid terms and whether the report uses the term."""
    (header, yes_no) = HEADERS[lang]
    src = GLOSSARY[lang].read_text(encoding="utf-8") if source is None else source
    rows, in_table = [], False
    for line in src.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            in_table = False
            continue
        if tuple(cells) == header:
            in_table = True
            continue
        if not in_table or re.fullmatch(r"[\s:|-]+", line):
            continue
        assert len(cells) == len(header), f"glossary ({lang}) row has {len(cells)} cells: {line}"
        term, other, _meaning, avoid, used = cells
        assert used in yes_no, f"glossary ({lang}): last column must be one of {sorted(yes_no)}: {line}"
        id_term, en_term = (term, other) if lang == "id" else (other, term)
        rows.append(
            {
                "id": _variants(id_term),
                "en": _variants(en_term),
                "used": yes_no[used],
                "avoid": [] if avoid.strip() in ("", "-") else _variants(avoid),
            }
        )
    return rows


def _variants(cell: str) -> list[str]:
    return [v.strip().strip("*").strip() for v in cell.split(";") if v.strip()]


def _split_abbreviation(term: str) -> tuple[str, str | None]:
    """``"selang kepercayaan (SK)"`` -> ``("selang kepercayaan", "SK")``; other brackets are
    part of the term's explanation and not checked."""
    m = re.fullmatch(r"(.+?)\s*\(([A-Z][A-Za-z]{0,5})\)", term)
    if m:
        return m.group(1), m.group(2)
    return re.sub(r"\s*\(.*?\)", "", term), None


def catalogue_texts() -> dict[str, str]:
    """Every Indonesian and every English string of the report's catalogue, placeholders out.

    The catalogue is every ``{key: {"id": ..., "en": ...}}`` table of ``mutasi_analysis.text``
    (``LABELS`` and ``TEMPLATES``, and the tables of notes and of the sensitivity, pre-trend
    and power sentences)."""
    out = {lang: [] for lang in catalogue.LANGS}
    tables = [
        v
        for v in vars(catalogue).values()
        if isinstance(v, dict) and v and all(isinstance(e, dict) and set(e) == set(catalogue.LANGS) for e in v.values())
    ]
    assert catalogue.LABELS in tables and catalogue.TEMPLATES in tables
    for table in tables:
        for entry in table.values():
            for lang in catalogue.LANGS:
                out[lang].append(entry[lang])
    return {lang: without_placeholders("\n".join(v)) for lang, v in out.items()}


def without_placeholders(s: str) -> str:
    """``"selang kepercayaan {level}"`` -> ``"selang kepercayaan  "``: a placeholder is no word."""
    return re.sub(r"\{[^{}]*\}", " ", s)


def _written(term: str, corpus: str, lang: str) -> bool:
    word, abbreviation = _split_abbreviation(term)
    # An English plural or an Indonesian -nya ("kepekaannya") is the same term.
    plural = r"(?:s|es)?" if lang == "en" else r"(?:nya)?"
    found = re.search(rf"(?<![\w-]){re.escape(word)}{plural}(?![\w-])", corpus, re.I) is not None
    if abbreviation is not None:
        found = found and re.search(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])", corpus) is not None
    return found


def missing_from_report(rows: list[dict], texts: dict[str, str]) -> list[str]:
    """Terms of the rows marked "used in the report" that the catalogue does not write."""
    missing = []
    for row in rows:
        if not row["used"]:
            continue
        for lang in ("id", "en"):
            missing += [f"{lang}: {t!r}" for t in row[lang] if not _written(t, texts[lang], lang)]
    return missing


def test_the_glossary_has_rows_and_says_how_the_toolkit_writes_a_confidence_interval():
    rows = glossary_rows("id")
    assert len(rows) >= 30 and sum(r["used"] for r in rows) >= 20
    ci = [r for r in rows if "selang kepercayaan (SK)" in r["id"]]
    assert ci and ci[0]["used"] and ci[0]["en"] == ["confidence interval (CI)"]
    assert {"interval kepercayaan", "IK"} <= set(ci[0]["avoid"])
    for lang in ("id", "en"):
        # The common synonym is named, with what the toolkit writes instead.
        prose = GLOSSARY[lang].read_text(encoding="utf-8").split("\n## ")[0]
        assert "**Interval kepercayaan**" in prose and "**selang kepercayaan (SK)**" in prose


def test_the_indonesian_and_english_glossaries_hold_the_same_rows():
    assert glossary_rows("id") == glossary_rows("en")


def test_every_term_the_glossary_marks_as_used_is_written_so_in_the_report():
    missing = missing_from_report(glossary_rows("id"), catalogue_texts())
    assert not missing, (
        f"the glossary says the report uses {missing}, but mutasi_analysis/text.py does not write it: "
        "change the glossary's term (or mark it 'tidak'/'no'), or the catalogue"
    )


def test_the_glossary_check_sees_a_term_the_report_does_not_use():
    texts = {
        "id": without_placeholders("Batas bawah SK\nselang kepercayaan {level}"),
        "en": without_placeholders("CI lower\nconfidence intervals"),
    }
    row = {"id": ["selang kepercayaan (SK)"], "en": ["confidence interval (CI)"], "used": True, "avoid": []}
    assert missing_from_report([row], texts) == []
    assert missing_from_report([{**row, "id": ["interval kepercayaan (IK)"]}], texts) == [
        "id: 'interval kepercayaan (IK)'"
    ]
    assert missing_from_report([{**row, "id": ["selang kepercayaan (IK)"]}], texts)  # the abbreviation counts
    assert missing_from_report([{**row, "id": ["level"]}], texts)  # placeholders are not words
    assert missing_from_report([{**row, "used": False, "id": ["level"]}], texts) == []
    table = (
        "| Istilah | Bahasa Inggris | Arti | Hindari | Di laporan |\n|---|---|---|---|---|\n"
        "| daya uji | power | peluang | kekuatan uji; kekuatannya kecil | tidak |\n\nteks\n"
    )
    assert glossary_rows("id", table) == [
        {"id": ["daya uji"], "en": ["power"], "used": False, "avoid": ["kekuatan uji", "kekuatannya kecil"]}
    ]


# ------------------------------------------------------------------------- avoided words
def prose(markdown: str) -> str:
    """A page's text without code (fenced blocks, `inline` spans), comments and link targets:
    what a reader reads as words. Code prints the report's own sentences and names."""
    out = _FENCE.sub(" ", markdown)
    out = _HTML_COMMENT.sub(" ", out)
    out = _INLINE.sub(" ", out)
    return re.sub(r"\]\([^)]*\)", "]", out)


def avoided_terms_in(markdown: str, avoid: list[str]) -> list[str]:
    words = prose(markdown)
    found = [t for t in avoid if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", words, re.I)]
    found += [p for p in ISSUE_CALQUES if re.search(p, words, re.I)]
    return found


def _id_pages() -> list[Path]:
    # The guide's pages, and the Indonesian versions of the data contract and the deploy guide
    # (read by data officers and operators): all in the glossary's words.
    pages = sorted(p for p in (DOCS / "id").glob("*.md") if p != GLOSSARY["id"])
    return pages + [ROOT / "data" / "raw" / "README.id.md", ROOT / "deploy" / "README.id.md"]


@pytest.mark.parametrize("page", _id_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_indonesian_pages_use_the_glossary_terms_not_the_ones_to_avoid(page):
    avoid = [t for row in glossary_rows("id") for t in row["avoid"]]
    found = avoided_terms_in(page.read_text(encoding="utf-8"), avoid)
    assert not found, f"{page.relative_to(ROOT)} writes {found}: use the term docs/id/glossary.md gives"


def test_the_avoid_check_reads_prose_only():
    avoid = ["interval kepercayaan", "IK", "unit yang dirotasi"]
    page = (
        "Selang kepercayaan (SK) 95%.\n\n```pycon\n>>> print(x)\nunit yang dirotasi\n```\n"
        "Kolom `IK` dan [tautan](interval-kepercayaan.md).\n"
    )
    assert avoided_terms_in(page, avoid) == []
    assert avoided_terms_in(page + "Interval Kepercayaan lebar.\n", avoid) == ["interval kepercayaan"]
    assert avoided_terms_in("sebuah SIK dan kIKa\n", avoid) == []  # whole words only
    assert avoided_terms_in("keliru 4,5% kali\n", avoid) == [ISSUE_CALQUES[3]]
    assert avoided_terms_in("Pendapat kedua: ...\n", avoid) == [ISSUE_CALQUES[2]]


# -------------------------------------------------------------------- same facts, two pages
def test_id_and_en_hold_the_same_pages():
    pages = {lang: {p.name for p in (DOCS / lang).glob("*.md")} for lang in ("id", "en")}
    assert pages["id"] == pages["en"]
    assert "glossary.md" in pages["id"]


def code_blocks(markdown: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each fenced block as (language, what must match): for ``pycon`` the names called, in
    order (comments, outputs and data values may be translated); for any other block its
    lines without comments."""
    out = []
    for m in _FENCE.finditer(markdown):
        lang, body = m.group(1), m.group(2)
        if lang == "pycon":
            lines = [ln.strip()[4:] for ln in body.splitlines() if ln.strip().startswith((">>>", "..."))]
            code = "\n".join(re.sub(r"#.*", "", ln) for ln in lines)
            out.append((lang, tuple(re.findall(r"(\w+)\s*\(", code))))
        else:
            lines = (re.sub(r"\s*#.*", "", ln).rstrip() for ln in body.splitlines())
            out.append((lang, tuple(ln for ln in lines if ln.strip())))
    return out


_PLACEHOLDER = re.compile(r"<[^<>`]+>|\bNN_[a-z]+\b|\b[A-Z]{2,}\b(?=[=\s]|$)|(?<==)\b[A-Z]{2,}\b")
_FILE = re.compile(r"/|\.(?:md|py|csv|json|toml|ipynb|xlsx|pdf|html|log|key|parquet|cron|service|timer|txt|yml|old)\b")


def checked_tokens(markdown: str) -> list[str]:
    """The `inline code` of a page's prose that states a fact a translation must keep: a
    command (``mutasi ...``, ``make ...``, ``.venv/bin/...``), a file or folder, a config
    section or option, or a code name. Pseudo-code and data values are left out."""
    out = []
    for tok in _INLINE.findall(_FENCE.sub(" ", markdown)):
        command = re.match(r"(?:mutasi|make|\.venv/bin/)\S*", tok)
        name = re.fullmatch(r"\[{1,2}[\w.]+\]{1,2}|-{1,2}[\w-]+(?: \S+)?|[A-Za-z_][\w.]*(?:\(\))?", tok)
        if command or name or _FILE.search(tok):
            out.append(tok)
    return out


def token_pattern(token: str) -> re.Pattern:
    """A token with its placeholders (``<period>``, ``NN_name``, ``SECONDS``, ``NAME=VALUE``)
    free, since a translation writes them in its own words (``<periode>``, ``DETIK``)."""
    parts, pos = [], 0
    for m in _PLACEHOLDER.finditer(token):
        parts.append(re.escape(token[pos : m.start()]))
        ph = m.group(0)
        parts.append(r"<[^<>`]+>" if ph.startswith("<") else (r"NN_[a-z]+" if ph.startswith("NN_") else r"[A-Z]{2,}"))
        pos = m.end()
    parts.append(re.escape(token[pos:]))
    return re.compile("".join(parts))


def missing_facts(en_markdown: str, id_markdown: str) -> list[str]:
    missing = [f"{t!r}" for t in dict.fromkeys(checked_tokens(en_markdown)) if not token_pattern(t).search(id_markdown)]
    en_blocks, id_blocks = code_blocks(en_markdown), code_blocks(id_markdown)
    diff = [f"block {k + 1}: {a} != {b}" for k, (a, b) in enumerate(zip(en_blocks, id_blocks)) if not _same_block(a, b)]
    if diff or len(en_blocks) != len(id_blocks):
        missing.append(f"code blocks differ ({len(en_blocks)} in English, {len(id_blocks)} in Indonesian; {diff})")
    return missing


def _same_block(en: tuple[str, tuple[str, ...]], id_: tuple[str, tuple[str, ...]]) -> bool:
    """The same kind of block with the same calls, or the same lines up to placeholders."""
    if en[0] != id_[0] or len(en[1]) != len(id_[1]):
        return False
    if en[0] == "pycon":
        return en[1] == id_[1]
    return all(token_pattern(a).fullmatch(b) for a, b in zip(en[1], id_[1]))


@pytest.mark.parametrize("name", sorted(p.name for p in (DOCS / "en").glob("*.md")))
def test_each_indonesian_page_keeps_the_code_commands_and_files_of_its_english_mirror(name):
    en = (DOCS / "en" / name).read_text(encoding="utf-8")
    id_ = (DOCS / "id" / name).read_text(encoding="utf-8")
    assert checked_tokens(en) or name == "glossary.md", f"docs/en/{name}: no backticked facts found"
    missing = missing_facts(en, id_)
    assert not missing, f"docs/id/{name} lacks what docs/en/{name} states: {missing}"


def test_the_fact_check_sees_a_dropped_command_a_changed_path_and_a_changed_example():
    en = (
        "Run `mutasi report --period P --restricted DIR` to write `restricted/<period>/`;\n"
        "see `NN_name.ipynb`, `[thresholds]`, `--wait SECONDS`, `alpha` and `year * 12 + month`.\n\n"
        "```pycon\n>>> did.att_gt(panel)   # the headline\n```\n"
    )
    good = (
        "Jalankan `mutasi report --period P --restricted FOLDER` ke `restricted/<periode>/`;\n"
        "lihat `NN_nama.ipynb`, `[thresholds]`, `--wait DETIK`, `alpha` dan `tahun * 12 + bulan`.\n\n"
        "```pycon\n>>> did.att_gt(panel)   # angka utama\n```\n"
    )
    assert "year * 12 + month" not in checked_tokens(en)  # pseudo-code may be translated
    assert missing_facts(en, good) == []
    assert missing_facts(en, good.replace(" --restricted FOLDER", ""))
    assert missing_facts(en, good.replace("restricted/<periode>/", "reports/<periode>/"))
    assert missing_facts(en, good.replace("`alpha`", "alfa"))
    assert missing_facts(en, good.replace("did.att_gt(panel)", "did.twfe(panel)"))
    assert missing_facts(en, good.replace("```pycon\n>>> did.att_gt(panel)   # angka utama\n```\n", ""))
    shell_en = "```bash\nmutasi ingest --out data/processed/<code>   # its own folder\n```\n"
    shell_id = "```bash\nmutasi ingest --out data/processed/<kode>   # foldernya sendiri\n```\n"
    assert missing_facts(shell_en, shell_id) == []
    assert missing_facts(shell_en, shell_id.replace("--out", "--raw"))
