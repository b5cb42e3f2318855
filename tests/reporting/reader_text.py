"""Reader-facing text of a rendered report, and the rules it must follow (issue 12).

What an official reads (the visible text of every HTML page, the text layer of the PDF, the
strings and sheet names of the workbook) must read as prose in the report's language:

* no programmer's identifier (``snake_case``) outside a short allow-list;
* numbers written the language's way: no decimal point inside an Indonesian number ("0.25"),
  no decimal comma inside an English one ("0,25");
* dates in words, never an ISO date or timestamp ("2026-01-01", "2026-11-30T06:22:58");
* "≤" and "≥", never "<=" or ">=";
* no label of the other language (an English label of ``mutasi_analysis.text.LABELS`` on an
  Indonesian page, or the reverse);
* in the workbook, no number stored as text ("0,97" as a string) and no date cell shown in
  ISO form.

Code formatting is the one place where a file name, a parameter, a version number or a hash
may stand as it is (a provenance appendix): ``<code>`` in HTML, a monospaced font in the PDF
and in the workbook. Text so formatted is checked apart, for ISO dates only: issue 12 wants
dates in words anywhere a reader looks, and code formatting is no place to hide a timestamp.
A link target (URL) is left out: it is an address, not prose.

Extraction and rules are pure functions (the PDF ones call poppler's ``pdftotext`` and
``pdftohtml``), so that ``test_reader_text.py`` can show each rule firing and not firing on
hand-made inputs, and ``test_report_notebooks.py`` can run them over the real demo report.
Every violation names the file, the place (HTML element, PDF page and line, sheet and cell)
and the offending text.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
import subprocess
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

__all__ = [
    "ALLOWED_IDENTIFIERS", "Passage", "Violation", "ReaderRules", "Hit",
    "snake_case_hits", "number_format_hits", "iso_date_hits", "ascii_comparison_hits",
    "LabelPhrases", "untranslated_label_hits",
    "html_passages", "html_lang_violations", "check_html",
    "pdf_page_texts", "pdf_code_fragments", "pdf_passages", "check_pdf",
    "workbook_passages", "workbook_cell_violations", "check_workbook",
    "check_passages", "format_violations", "iter_report_files",
]

LANGS = ("id", "en")

# --------------------------------------------------------------------------------------------
# Allow-list
# --------------------------------------------------------------------------------------------
#: snake_case words a reader may meet outside code formatting. Empty on purpose: a file name,
#: a parameter, a config key or a Python package name belongs in code formatting (``<code>``,
#: a monospaced font), where the rules do not look, and prose has no other use for an
#: underscore. An entry needs a comment naming where it appears and why it cannot be worded
#: or set as code (e.g. a proper noun that really is spelled with an underscore).
ALLOWED_IDENTIFIERS: frozenset[str] = frozenset()


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    """A piece of reader-facing text and where it sits.

    ``place`` may contain ``{line}``: it is then filled with the line (1-based) of the
    offending text within ``text`` (the PDF gives a whole page as one passage, so that a
    phrase wrapped over two lines is still one phrase). ``wrapped`` says that table cells may
    be broken over several layout lines (the PDF's text layer): a proper noun can then not be
    recognised whole, see :func:`untranslated_label_hits`. ``code`` marks text in code
    formatting, checked for ISO dates only.
    """

    place: str
    lang: str
    text: str
    wrapped: bool = False
    code: bool = False


@dataclass(frozen=True)
class Hit:
    """One rule broken inside a passage: the rule, the offending text and where it starts."""

    rule: str
    text: str
    start: int
    detail: str = ""


@dataclass(frozen=True)
class Violation:
    """A broken rule in a file, printable as one line for the fixers' work list."""

    file: str
    place: str
    rule: str
    text: str
    context: str = ""

    def __str__(self) -> str:
        where = f" in '{self.context}'" if self.context and self.context != self.text else ""
        return f"{self.file}: {self.place}: {self.rule}: {self.text!r}{where}"


# --------------------------------------------------------------------------------------------
# Rules on a piece of text
# --------------------------------------------------------------------------------------------
# A URL is an address, not prose: its underscores, dots and dates are left alone.
_URL = re.compile(r"\b(?:https?|file)://\S+")
# Identifier-like tokens: word characters, possibly dotted (a config key, a file name).
_TOKEN = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")
# snake_case as the issue defines it, plus the digit-led form of the notebook names
# ("00_ringkasan"): two alphanumeric parts joined by an underscore, with a lowercase letter.
_SNAKE_PART = re.compile(r"[a-z][a-z0-9]*_[a-z0-9_]+|[0-9]+_[a-z][a-z0-9_]*")


def _blank_urls(text: str) -> str:
    return _URL.sub(lambda m: " " * len(m.group(0)), text)


def snake_case_hits(text: str, allowed: Iterable[str] = ALLOWED_IDENTIFIERS) -> list[Hit]:
    """``snake_case`` identifiers in ``text`` (whole dotted tokens, e.g. ``rotation.max_years``).

    Parameters
    ----------
    text : str
    allowed : iterable of str
        Identifiers that may appear (:data:`ALLOWED_IDENTIFIERS`).

    Returns
    -------
    list of Hit
    """
    allowed = set(allowed)
    hits = []
    for m in _TOKEN.finditer(_blank_urls(text)):
        token = m.group(0)
        if _SNAKE_PART.search(token) and token not in allowed:
            hits.append(Hit("snake_case identifier", token, m.start()))
    return hits


# A number with separators: digits joined by "." or ",". A leading minus is not needed to
# judge the separators. The look-behind keeps a token from starting inside another one.
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)+")
# Indonesian: "." groups thousands (groups of exactly three digits after a non-zero lead),
# "," is the decimal mark. English: the other way round.
_ID_NUMBER = re.compile(r"(?:0|[1-9]\d{0,2}(?:\.\d{3})*|\d+)(?:,\d+)?")
_EN_NUMBER = re.compile(r"(?:0|[1-9]\d{0,2}(?:,\d{3})*|\d+)(?:\.\d+)?")
# Indonesian writes clock times with a point ("pukul 14.30"): not a decimal.
_ID_CLOCK = re.compile(r"\bpukul\s+$", re.I)


def number_format_hits(text: str, lang: str) -> list[Hit]:
    """Numbers whose separators belong to the other language.

    In Indonesian a point is only a thousands separator: "5.280" and "71.821" are fine (a
    non-zero lead of one to three digits, then groups of exactly three), "0.25", "3.27",
    "0.350" and a version "0.1.0" are not. In English a comma is only a thousands separator:
    "5,280" is fine, "0,97" is not. "1.234" in Indonesian and "1,234" in English are read as
    thousands and pass; a number cannot tell more.

    Parameters
    ----------
    text : str
    lang : {"id", "en"}

    Returns
    -------
    list of Hit
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    text = _blank_urls(text)
    hits = []
    for m in _NUMBER.finditer(text):
        token = m.group(0)
        if lang == "id":
            if "." in token and not _ID_NUMBER.fullmatch(token) and not _ID_CLOCK.search(text[: m.start()]):
                hits.append(Hit("decimal point in an Indonesian number", token, m.start()))
        elif "," in token and not _EN_NUMBER.fullmatch(token):
            hits.append(Hit("decimal comma in an English number", token, m.start()))
    return hits


# An ISO 8601 calendar date, with the time and zone when there are any.
_ISO_DATE = re.compile(
    r"(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)


def iso_date_hits(text: str) -> list[Hit]:
    """ISO dates and timestamps ("2026-01-01", "2026-11-30T06:22:29.977+00:00")."""
    return [Hit("ISO date or timestamp", m.group(0), m.start()) for m in _ISO_DATE.finditer(_blank_urls(text))]


_ASCII_COMPARISON = re.compile(r"<=|>=")


def ascii_comparison_hits(text: str) -> list[Hit]:
    """"<=" and ">=" written for a program, where a reader expects "≤" and "≥"."""
    return [Hit("'<=' or '>=' instead of '≤' or '≥'", m.group(0), m.start())
            for m in _ASCII_COMPARISON.finditer(text)]


# --------------------------------------------------------------------------------------------
# Untranslated labels
# --------------------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# A single-word label is only distinctive from this length: shorter words ("ya", "no", "ID")
# are too likely to be something else.
MIN_SINGLE_WORD = 4


@dataclass(frozen=True)
class _Phrase:
    key: str
    phrase: str
    pattern: re.Pattern


@dataclass
class LabelPhrases:
    """The other language's labels that would give an untranslated label away on a page.

    For a page in ``lang`` the candidates are ``catalogue[key][other]`` where it differs from
    ``catalogue[key][lang]``. A candidate counts only if it has a *foreign* word: a word of
    at least one lowercase letter that no ``lang`` label uses. Shared proper nouns and
    acronyms (TWFE, Callaway-Sant'Anna, IKM, Krejcie-Morgan, PermenPANRB) are in both
    languages' labels or all capitals, so a phrase made only of them never counts; a phrase
    such as "Minimum sample (Krejcie-Morgan)" counts through "sample".

    Multi-word phrases are matched whole, ignoring case and with any white space between the
    words (a wrapped line); a single word only as written (capitalised as in the catalogue)
    and only from :data:`MIN_SINGLE_WORD` letters. Placeholders (``{min_cell}``) match a short
    run of anything.

    Parameters
    ----------
    catalogue : mapping
        ``key -> {"id": ..., "en": ...}`` (``mutasi_analysis.text.LABELS``).
    lang : {"id", "en"}
        The page's language.
    """

    catalogue: Mapping[str, Mapping[str, str]]
    lang: str
    phrases: list[_Phrase] = field(init=False)

    def __post_init__(self):
        if self.lang not in LANGS:
            raise ValueError(f"unknown language {self.lang!r}")
        other = "en" if self.lang == "id" else "id"
        own_words = {w.lower() for v in self.catalogue.values() for w in _WORD.findall(v.get(self.lang, ""))}
        self.phrases = []
        for key, value in self.catalogue.items():
            phrase, own = value.get(other, ""), value.get(self.lang, "")
            if not phrase or phrase == own:
                continue
            words = _WORD.findall(_PLACEHOLDER.sub(" ", phrase))
            foreign = [w for w in words if w.lower() not in own_words and not w.isupper()]
            if not foreign:
                continue
            if len(words) == 1:
                if len(words[0]) < MIN_SINGLE_WORD:
                    continue
                pattern = re.compile(rf"(?<![^\W\d_]){re.escape(words[0])}(?![^\W\d_])")
            else:
                pattern = re.compile(self._phrase_regex(phrase), re.I)
            self.phrases.append(_Phrase(key, phrase, pattern))

    @staticmethod
    def _phrase_regex(phrase: str) -> str:
        pieces = _PLACEHOLDER.split(phrase)
        while pieces and not pieces[0].strip():  # a leading or trailing placeholder adds nothing
            pieces.pop(0)
        while pieces and not pieces[-1].strip():
            pieces.pop()
        literal = [r"\s+".join(re.escape(w) for w in piece.split()) for piece in pieces]
        body = r"\s*.{1,60}?\s*".join(literal)
        lead = r"(?<![^\W\d_])" if _WORD.match(pieces[0].strip()) else ""
        tail = r"(?![^\W\d_])" if re.search(r"[^\W\d_]$", pieces[-1].strip()) else ""
        return lead + body + tail


def untranslated_label_hits(text: str, phrases: LabelPhrases, proper_nouns: Iterable[str] = (),
                            wrapped: bool = False) -> list[Hit]:
    """Labels of the other language in ``text`` (see :class:`LabelPhrases`).

    Parameters
    ----------
    text : str
    phrases : LabelPhrases
        Built once for the page's language.
    proper_nouns : iterable of str
        Names that are the same in both languages (unit and region names from the region
        config, the toolkit's name): blanked out before matching, so that "Kantor Kelurahan
        Alak" on an English page is a name, not the untranslated label "Kantor kelurahan".
    wrapped : bool
        The text is a layout where a table cell may be broken over lines with other columns
        between its pieces ("Kantor Kelurahan" on one line, "Naioni" on the next): a hit whose
        words all belong to a proper noun, in order, is then taken for a broken name and
        dropped. On an HTML page, where names are whole, such a hit stands.

    Returns
    -------
    list of Hit
    """
    names = [n for n in sorted(set(proper_nouns), key=len, reverse=True) if n.strip()]
    for name in names:
        pattern = r"\s+".join(re.escape(w) for w in name.split())
        text = re.sub(pattern, lambda m: " " * len(m.group(0)), text)
    name_words = [" ".join(n.lower().split()) for n in names]
    hits = []
    for p in phrases.phrases:
        for m in p.pattern.finditer(text):
            words = " ".join(m.group(0).lower().split())
            if wrapped and any(re.search(rf"(?:^| ){re.escape(words)}(?: |$)", n) for n in name_words):
                continue
            hits.append(Hit("untranslated label", m.group(0), m.start(), detail=f"LABELS[{p.key!r}]"))
    return hits


# --------------------------------------------------------------------------------------------
# All rules together
# --------------------------------------------------------------------------------------------
@dataclass
class ReaderRules:
    """The rules of this module, set up once for a report.

    Parameters
    ----------
    catalogue : mapping, optional
        Labels for the untranslated-label rule (default ``mutasi_analysis.text.LABELS``).
    proper_nouns : sequence of str
        Names shared by both languages (see :func:`untranslated_label_hits`).
    allowed_identifiers : iterable of str
        The snake_case allow-list.
    """

    catalogue: Mapping[str, Mapping[str, str]] | None = None
    proper_nouns: Sequence[str] = ()
    allowed_identifiers: Iterable[str] = ALLOWED_IDENTIFIERS
    _phrases: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        if self.catalogue is None:
            from mutasi_analysis.text import LABELS

            self.catalogue = LABELS
        self.allowed_identifiers = frozenset(self.allowed_identifiers)

    def phrases(self, lang: str) -> LabelPhrases:
        if lang not in self._phrases:
            self._phrases[lang] = LabelPhrases(self.catalogue, lang)
        return self._phrases[lang]

    def hits(self, text: str, lang: str, wrapped: bool = False, code: bool = False) -> list[Hit]:
        """Every rule's hits in ``text`` of language ``lang``, in order of position (only ISO
        dates in ``code``)."""
        if code:
            return iso_date_hits(text)
        found = (snake_case_hits(text, self.allowed_identifiers) + number_format_hits(text, lang)
                 + iso_date_hits(text) + ascii_comparison_hits(text)
                 + untranslated_label_hits(text, self.phrases(lang), self.proper_nouns, wrapped))
        return sorted(found, key=lambda h: (h.start, h.rule))


def _context(text: str, start: int, length: int, width: int = 40) -> str:
    lo, hi = max(0, start - width), min(len(text), start + length + width)
    snippet = " ".join(text[lo:hi].split())
    return ("…" if lo else "") + snippet + ("…" if hi < len(text) else "")


def check_passages(file: str, passages: Iterable[Passage], rules: ReaderRules) -> list[Violation]:
    """Apply ``rules`` to every passage; one :class:`Violation` per hit."""
    out = []
    for p in passages:
        for h in rules.hits(p.text, p.lang, p.wrapped, p.code):
            place = p.place.replace("{line}", str(p.text.count("\n", 0, h.start) + 1))
            rule = f"{h.rule} ({h.detail})" if h.detail else h.rule
            out.append(Violation(file, place, rule, h.text, _context(p.text, h.start, len(h.text))))
    return out


def format_violations(violations: Sequence[Violation], limit: int | None = None) -> str:
    """One line per violation, grouped by rule, for an assertion message or a work list."""
    by_rule: dict[str, list[Violation]] = {}
    for v in violations:
        by_rule.setdefault(v.rule.split(" (")[0], []).append(v)
    lines = [f"{len(violations)} reader-text violation(s)"]
    for rule, vs in sorted(by_rule.items()):
        lines.append(f"== {rule}: {len(vs)}")
        shown = vs if limit is None else vs[:limit]
        lines += [f"  {v}" for v in shown]
        if len(shown) < len(vs):
            lines.append(f"  … and {len(vs) - len(shown)} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------
# Never shown: the head (except the title, handled apart), scripts and styles. <code> is the
# allowed place for a file or parameter name: its text becomes a code passage of its own.
# Jupyter's "¶" anchor links appear on hover only.
_DROPPED = {"script", "style", "noscript", "template", "head", "code"}
# Elements that start a new passage: a rule then sees a sentence or a cell, not a whole page.
_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "dt", "dd",
           "blockquote", "pre", "div", "section", "main", "body", "summary", "label", "text", "title"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _hidden(tag) -> bool:
    if tag.name in _DROPPED or tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    if tag.name == "a" and "anchor-link" in (tag.get("class") or []):
        return True
    return bool(_HIDDEN_STYLE.search(tag.get("style") or ""))


def _hidden_code(tag) -> bool:
    """A <code> element that is itself hidden (its text is not shown at all)."""
    return tag.has_attr("hidden") or bool(_HIDDEN_STYLE.search(tag.get("style") or ""))


def _short(text: str, n: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class _HtmlWalker:
    """Collects the visible text of a page into passages, one per block element."""

    def __init__(self, lang: str):
        self.lang = lang
        self.passages: list[Passage] = []
        self.heading = ""
        self.table = 0
        self.row = 0
        self.figure = 0

    def _place(self, tag) -> str:
        name = tag.name
        if name in _HEADINGS:
            return f"<{name}> heading"
        where = f" under '{_short(self.heading)}'" if self.heading else ""
        if name in ("td", "th"):
            return f"table {self.table} row {self.row} <{name}>{where}"
        if name == "text":
            return f"figure {self.figure} (SVG) text{where}"
        return f"<{name}>{where}"

    def walk(self, node, lang: str, parts: list[str], place: str = "<body>") -> None:
        from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

        for child in node.children:
            if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
                continue
            if _hidden(child):
                parts.append(" ")  # a dropped element still separates words
                if child.name == "code" and not _hidden_code(child):
                    self.passages.append(Passage(f"<code> in {place}", child.get("lang") or lang,
                                                 child.get_text(), code=True))
                continue
            child_lang = child.get("lang") or lang
            if child.name == "table":
                self.table += 1
                self.row = 0
            elif child.name == "tr":
                self.row += 1
            elif child.name == "svg":
                self.figure += 1
            elif child.name == "img":
                self.figure += 1
                self._svg_image(child, child_lang)
            if child.name in _BLOCKS:
                own: list[str] = []
                index = len(self.passages)
                child_place = self._place(child)
                self.passages.append(Passage(child_place, child_lang, ""))  # keeps document order
                self.walk(child, child_lang, own, child_place)
                text = "".join(own)
                self.passages[index] = Passage(child_place, child_lang, text)
                parts.append(" ")
                if child.name in _HEADINGS and text.strip():
                    self.heading = text
            else:
                self.walk(child, child_lang, parts, place)

    def _svg_image(self, img, lang: str) -> None:
        """The <text> of an SVG figure embedded as a data URI (matplotlib writes paths by
        default, so there is often none)."""
        src = img.get("src") or ""
        m = re.match(r"data:image/svg\+xml(;base64)?,(.*)", src, re.S)
        if not m:
            return
        from bs4 import BeautifulSoup

        data = m.group(2)
        svg = base64.b64decode(data).decode("utf-8", "replace") if m.group(1) else urllib.parse.unquote(data)
        where = f" under '{_short(self.heading)}'" if self.heading else ""
        for t in BeautifulSoup(svg, "html.parser").find_all("text"):
            self.passages.append(Passage(f"figure {self.figure} (SVG image) text{where}", lang, t.get_text(" ")))


def html_passages(html: str, lang: str) -> list[Passage]:
    """The visible text of an HTML page, one passage per block element (cell, paragraph...).

    Left out: the head (but the ``<title>``, shown in the browser tab, is kept), scripts,
    styles, hidden elements (``hidden``, ``display: none``) and Jupyter's hover-only
    anchor links. ``<code>`` gives a passage of its own marked ``code`` (checked for ISO dates
    only), placed ``"<code> in <p> under '...'"``. The text of inline SVG figures and of SVG images embedded as data URIs is
    kept. An element with a ``lang`` attribute below ``<html>`` (the bilingual index) gives
    its passages that language; otherwise ``lang`` applies (the ``<html lang>`` of a page is
    checked on its own, :func:`html_lang_violations`).

    Parameters
    ----------
    html : str
    lang : {"id", "en"}
        The page's language.

    Returns
    -------
    list of Passage
        Places such as ``"<p> under 'Kepekaan'"`` or ``"table 2 row 3 <td> under '...'"``.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    walker = _HtmlWalker(lang)
    title = soup.find("title")
    if title is not None and title.get_text(strip=True):
        walker.passages.append(Passage("<title>", lang, title.get_text()))
    body = soup.body or soup
    # <html lang> is checked apart and not trusted here; a lang attribute further down is.
    walker.walk(body, (body.get("lang") if body is not soup else None) or lang, [])
    return [p for p in walker.passages if p.text.strip()]


def html_lang_violations(file: str, html: str, lang: str) -> list[Violation]:
    """The page must declare its language (``<html lang>``): screen readers and hyphenation
    follow it."""
    from bs4 import BeautifulSoup

    root = BeautifulSoup(html, "html.parser").find("html")
    declared = (root.get("lang") if root is not None else None) or ""
    if declared.split("-")[0].lower() != lang:
        return [Violation(file, "<html lang>", "page language not declared as the report's", f'lang="{declared}"',
                          f"expected lang=\"{lang}\"")]
    return []


def check_html(path: str | Path, lang: str, rules: ReaderRules, name: str | None = None) -> list[Violation]:
    """Every reader-text violation of one HTML page (text rules and declared language)."""
    path = Path(path)
    html = path.read_text(encoding="utf-8")
    name = name or path.name
    return html_lang_violations(name, html, lang) + check_passages(name, html_passages(html, lang), rules)


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------
def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout


def pdf_page_texts(path: str | Path, crop: tuple[float, float, float, float] | None = None) -> list[str]:
    """The text of every page, as ``pdftotext -layout`` lays it out (index 0 is page 1).

    Parameters
    ----------
    path : path
    crop : (x, y, width, height), optional
        Only the text inside this area of each page, in points from the top left.
    """
    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if crop is not None:
        args += ["-x", str(int(crop[0])), "-y", str(int(crop[1])), "-W", str(int(crop[2])), "-H", str(int(crop[3]))]
    pages = _run(*args, str(path), "-").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


# Monospaced fonts: how the PDF shows code (the print stylesheet sets hashes in DejaVu Sans Mono).
MONOSPACE = re.compile(r"mono|courier|consol|menlo|monaco|fixed", re.I)


def pdf_code_fragments(path: str | Path) -> dict[int, list[str]]:
    """The text set in a monospaced font, by page: the PDF's code formatting.

    ``pdftohtml -xml`` gives every line fragment with its font; fragments whose font family
    is monospaced (:data:`MONOSPACE`) are returned.
    """
    xml = _run("pdftohtml", "-xml", "-i", "-stdout", "-q", str(path))
    mono_fonts: set[str] = set()
    out: dict[int, list[str]] = {}
    for page in re.finditer(r'<page number="(\d+)".*?</page>', xml, re.S):
        for fid, family in re.findall(r'<fontspec id="(\d+)"[^>]*family="([^"]*)"', page.group(0)):
            if MONOSPACE.search(family):
                mono_fonts.add(fid)
        for fid, inner in re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', page.group(0), re.S):
            if fid in mono_fonts:
                text = html_lib.unescape(re.sub(r"<[^>]+>", "", inner))
                if text.strip():
                    out.setdefault(int(page.group(1)), []).append(text)
    return out


def _blank_out(text: str, fragment: str) -> str:
    words = fragment.split()
    if not words:
        return text
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return pattern.sub(lambda m: " " * len(m.group(0)), text, count=1)


def pdf_passages(path: str | Path, lang: str) -> list[Passage]:
    """One passage per PDF page (``pdftotext -layout``), code formatting blanked out, and one
    ``code`` passage per page with the code text (``"page 5 code"``).

    Places read ``"page 5 line 12"``. A phrase wrapped inside a table cell lands on several
    layout lines with other columns between them and is not seen as one phrase: the HTML
    pages, which the PDF repeats, are where such a label is caught.
    """
    texts = pdf_page_texts(path)
    code = pdf_code_fragments(path)
    passages = []
    for number, text in enumerate(texts, start=1):
        for fragment in code.get(number, []):
            text = _blank_out(text, fragment)
        passages.append(Passage(f"page {number} line {{line}}", lang, text, wrapped=True))
        if code.get(number):
            passages.append(Passage(f"page {number} code", lang, "\n".join(code[number]), code=True))
    return passages


def check_pdf(path: str | Path, lang: str, rules: ReaderRules, name: str | None = None) -> list[Violation]:
    """Every reader-text violation in a PDF's text layer."""
    path = Path(path)
    return check_passages(name or path.name, pdf_passages(path, lang), rules)


# --------------------------------------------------------------------------------------------
# Workbook
# --------------------------------------------------------------------------------------------
def _is_code_cell(cell) -> bool:
    font = getattr(cell, "font", None)
    return bool(font is not None and font.name and MONOSPACE.search(font.name))


def workbook_passages(path: str | Path, lang: str) -> list[Passage]:
    """Every sheet name and string cell of a workbook; monospaced cells are ``code`` passages."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    passages = []
    for ws in wb.worksheets:
        passages.append(Passage(f"sheet name '{ws.title}'", lang, ws.title))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip():
                    passages.append(Passage(f"sheet '{ws.title}' cell {cell.coordinate}", lang, cell.value,
                                            code=_is_code_cell(cell)))
    return passages


# A string that is only a number (a sign, a comparison or a percent sign allowed) written the
# way either language writes numbers: it should be a number cell with a display format, or a
# reader cannot sort or sum it. A version "0.1.0" is no number in either language.
_NUMBER_AS_TEXT = re.compile(r"[<>≤≥]?\s*[-+−]?\s*(?P<n>\d[\d.,]*)\s*%?")
_ISO_FORMAT = re.compile(r"yyyy-mm-dd", re.I)


def workbook_cell_violations(path: str | Path, name: str | None = None) -> list[Violation]:
    """Cells whose type or format is wrong for a reader, whatever the language.

    * a number stored as text (``"0,97"``, ``"< 0,001"``, ``"12%"``), code cells left out;
    * a date or time cell whose number format shows it in ISO form (``yyyy-mm-dd``).
    """
    from openpyxl import load_workbook

    path = Path(path)
    name = name or path.name
    wb = load_workbook(path)
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                place = f"sheet '{ws.title}' cell {cell.coordinate}"
                v = cell.value
                m = _NUMBER_AS_TEXT.fullmatch(v.strip()) if isinstance(v, str) else None
                if m and not _is_code_cell(cell) and (_ID_NUMBER.fullmatch(m["n"]) or _EN_NUMBER.fullmatch(m["n"])):
                    out.append(Violation(name, place, "number stored as text", v))
                elif getattr(cell, "is_date", False) and _ISO_FORMAT.search(cell.number_format or ""):  # merged: none
                    out.append(Violation(name, place, "date cell shown in ISO form", str(v),
                                         f"number format {cell.number_format!r}"))
    return out


def check_workbook(path: str | Path, lang: str, rules: ReaderRules, name: str | None = None) -> list[Violation]:
    """Every reader-text violation of a workbook: text rules on its strings, cell rules."""
    path = Path(path)
    name = name or path.name
    return check_passages(name, workbook_passages(path, lang), rules) + workbook_cell_violations(path, name)


def iter_report_files(folder: str | Path) -> Iterator[Path]:
    """The reader-facing files of one rendered period folder: HTML pages, the PDF, the workbook."""
    folder = Path(folder)
    yield from sorted(folder.glob("*.html"))
    yield from sorted(folder.glob("laporan-*.pdf"))
    yield from sorted(folder.glob("tabel-*.xlsx"))
