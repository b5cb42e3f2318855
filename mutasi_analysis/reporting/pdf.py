"""``reports/<P>/laporan-<P>.pdf``: the whole report as one printable document.

Layout: a cover (region, period, date of the report, toolkit version), a table of contents
with page numbers, the executive summary (``00_*``) first, then every other section in
notebook order (the rendered HTML pages' content, code hidden), and an appendix with the
method, the data coverage and the provenance from ``manifest.json``. Pages are numbered
("Halaman 3 dari 12"), each page carries the region and period in its header, and the PDF has
bookmarks for the sections and their sub-headings.

Engine: WeasyPrint, with a print stylesheet. It implements CSS Paged Media (``@page``
margin boxes and ``counter(page)``, ``target-counter()`` for the page numbers in the table of
contents, ``bookmark-level`` for PDF bookmarks, repeated table headers) from Python alone:
no browser and no LaTeX at report time, only Debian's Pango libraries
(``tools/install-system-deps.sh``). Headless Chromium's ``--print-to-pdf`` was the
alternative; it cannot number a table of contents (no ``target-counter``) and would make a
400 MB browser a run-time dependency of every scheduled report. WeasyPrint runs no
JavaScript, which costs nothing here: the report pages are static (figures are embedded PNG
or SVG images, there is no math). Figures keep their pixels (WeasyPrint does not resample):
PNGs drawn at twice the screen resolution (``InlineBackend.figure_formats = ['retina']``) or
SVG print crisply.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from ..environment import PDF_FIX, pdf_engine_problem
from ..files import replaced_atomically
from ..project import POOLED_CODE
from ..errors import MutasiError
from ..record import read_records
from ..text import fmt_date, fmt_datetime, section_title
from ..text import label as text_label
from ..text import namespace as text_namespace
from .manifest import period_name, read_manifest
from .summary import SUMMARY_PREFIX

__all__ = ["build_pdf", "pdf_name", "report_html", "pdf_engine_problem", "PDF_FIX"]

_LANGS = ("id", "en")

_T = text_namespace("pdf")


# Print stylesheet. Page-level features are CSS Paged Media (WeasyPrint implements them).
_CSS = """
@page {
  size: A4; margin: 22mm 18mm 20mm 18mm;
  @top-left { content: string(region); font-size: 8pt; color: #666; }
  @top-right { content: string(period); font-size: 8pt; color: #666; }
  @bottom-center { content: "%(page)s " counter(page) " %(of)s " counter(pages);
                   font-size: 8pt; color: #444; }
}
@page :first { @top-left { content: none; } @top-right { content: none; } @bottom-center { content: none; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
       line-height: 1.4; color: #1a1a1a; }
.cover { page: cover; text-align: left; padding-top: 55mm; break-after: page; }
.cover h1 { font-size: 24pt; margin: 0 0 6mm 0; bookmark-level: none; color: #123a63; }
.cover .region { font-size: 16pt; margin-bottom: 14mm; string-set: region content(); }
.cover .running-period { string-set: period content(); font-size: 0; }
.cover dl { font-size: 11pt; } .cover dt { font-weight: bold; margin-top: 3mm; } .cover dd { margin: 0; }
.cover .warning { margin-top: 12mm; color: #b00020; font-weight: bold; }
nav.toc { break-after: page; }
nav.toc h1 { bookmark-level: none; }
nav.toc ol { list-style: none; padding: 0; }
nav.toc li { margin: 2mm 0; }
nav.toc li.sub { margin-left: 8mm; font-size: 9.5pt; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc a::after { content: leader('.') target-counter(attr(href), page); }
section.part { break-before: page; }
h1 { font-size: 17pt; color: #123a63; bookmark-level: 1; margin: 0 0 4mm 0; }
h2 { font-size: 13pt; color: #123a63; bookmark-level: 2; break-after: avoid; }
h3 { font-size: 11pt; bookmark-level: 3; break-after: avoid; }
h4, h5, h6 { font-size: 10pt; bookmark-level: none; break-after: avoid; }
p { orphans: 3; widows: 3; }
/* Kept with what follows: a heading, a bold lead-in, the sentence that introduces a table or
   a figure (marked "lead" by _layout). */
.lead { break-after: avoid; }
/* Kept with what precedes: the last short lines of a section and a figure that ends one
   (marked "tail"), so that no page holds only them. */
.tail { break-before: avoid; }
img, svg { max-width: 100%%; height: auto !important; break-inside: avoid; }
/* Space above a figure so that its title touches nothing. */
.figure { margin: 5mm 0 3mm 0; break-inside: avoid; }
table { border-collapse: collapse; margin: 3mm 0 4mm 0; font-size: 8.5pt; max-width: 100%%; }
/* A table of words (findings, element lists) uses the full width instead of tall rows. */
table.prose { width: 100%%; }
table.fixed { table-layout: fixed; }
/* Repairs of a second layout (_render): a split table kept whole, a kept table split. */
table[data-fix="whole"] { break-inside: avoid; }
table[data-fix="split"] { break-inside: auto; }
/* A section that would end on a nearly empty page is set again tighter (_render). */
section.tight { font-size: 9.5pt; line-height: 1.3; }
section.tight table { font-size: 7.8pt; margin: 2mm 0 3mm 0; }
section.tight th, section.tight td { padding: 0.7mm 1.2mm; }
section.tight p { margin: 0.8em 0; }
th, td { border: 0.5pt solid #b8b8b8; padding: 1mm 1.6mm; vertical-align: top; text-align: left; }
/* Numbers right, text left (notebook.html_table marks them); no word broken in a header. */
th.num, td.num { text-align: right; }
td.short { white-space: nowrap; }
th { overflow-wrap: normal; word-break: normal; hyphens: manual; vertical-align: bottom; }
@page landscape { size: A4 landscape; }
div.landscape { page: landscape; break-before: page; break-after: page; }
table.wide, table.very-wide { width: 100%%; }
table.wide { font-size: 6.8pt; } table.very-wide { font-size: 5.6pt; }
table.wide th, table.wide td, table.very-wide th, table.very-wide td { padding: 0.6mm 0.8mm; }
table.wide td, table.very-wide td { overflow-wrap: break-word; }
table.very-wide td.short, table.prose td.short { white-space: normal; }
th { background: #e8eef4; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
/* A short table stays whole; a long one never leaves a single row alone on a page. */
table.keep { break-inside: avoid; }
tbody tr:first-child { break-after: avoid; }
tbody tr:last-child { break-before: avoid; }
pre { white-space: pre-wrap; font-size: 8.5pt; background: #f6f6f6; padding: 2mm; }
.appendix table { font-size: 8pt; }
.appendix code, .hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; word-break: break-all; }
"""


def pdf_name(period: str) -> str:
    """File name of a period's PDF: ``laporan-<period>.pdf``."""
    return f"laporan-{period}.pdf"


def _section_order(manifest: dict[str, Any], report_dir: Path) -> list[tuple[str, Path]]:
    """``(notebook, html path)`` of every rendered section: the summary first, then by name."""
    entries = manifest.get("notebooks") or {}
    out = []
    for name in sorted(entries, key=lambda n: (not n.startswith(SUMMARY_PREFIX), n)):
        e = entries[name]
        rel = (e.get("files") or {}).get("html")
        if e.get("status") == "ok" and rel and (report_dir / rel).is_file():
            out.append((name, report_dir / rel))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _section_body(name: str, path: Path) -> tuple[str, str, list[tuple[str, str]]]:
    """The printable content of one rendered page: ``(title, html, [(sub id, sub title)])``."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    root = soup.find("main") or soup.body or soup
    for tag in root.find_all(["script", "style", "link", "meta"]):
        tag.decompose()
    for a in root.select("a.anchor-link"):  # the pilcrow links beside headings
        a.decompose()
    # Warnings and tracebacks written to stderr are for the analyst, not the reader.
    for out in root.select('[data-mime-type="application/vnd.jupyter.stderr"]'):
        out.decompose()
    prefix = _slug(name)
    for tag in root.find_all(id=True):  # ids must stay unique across the joined sections
        tag["id"] = f"{prefix}--{tag['id']}"
    for a in root.find_all("a", href=True):
        if a["href"].startswith("#"):
            a["href"] = f"#{prefix}--{a['href'][1:]}"
    headings = root.find_all("h1")
    if headings:
        first = headings[0]
        title = first.get_text(" ", strip=True)
        for h in headings[1:]:  # one h1 per section: later ones become sub-headings
            h.name = "h2"
        first.decompose()
    else:
        title = name
    subs = []
    for h in root.find_all("h2"):
        if not h.get("id"):
            h["id"] = f"{prefix}--{_slug(h.get_text(' ', strip=True))}"
        subs.append((h["id"], h.get_text(" ", strip=True)))
    body = "".join(str(b) for b in _layout(soup, _blocks(root), prefix))
    return title, body, subs


# A short table (rows) is kept whole on one page.
_KEEP_ROWS = 10
# A paragraph this short (characters) at the end of a section travels with what precedes it.
_TAIL_CHARS = 400
# A table whose text cells average this many characters (or one cell twice as many) is prose:
# it takes the full width.
_PROSE_CHARS = 40
# Characters of a table's type (8.5 pt DejaVu Sans, about 0.6 em each) across the text column
# (174 mm); the widths of a prose table are shares of it.
_LINE_CHARS = 96


def _blocks(root) -> list:
    """The page's content as one flat list of blocks (headings, paragraphs, tables, figures).

    nbconvert nests every output in its cell's wrappers; print rules that keep a heading or an
    introducing sentence with the next block (``break-after: avoid``) need the blocks to be
    siblings. A page not made by nbconvert keeps its own top-level elements.
    """
    from bs4 import NavigableString

    areas = [a for a in root.select(".jp-OutputArea-output, .jp-MarkdownOutput")
             if a.find_parent(class_=["jp-OutputArea-output", "jp-MarkdownOutput"]) is None]
    if not areas:
        return [c for c in root.contents if not isinstance(c, NavigableString) or c.strip()]
    out = []
    for area in areas:
        for child in list(area.children):
            if isinstance(child, NavigableString):
                if child.strip():
                    out.append(child)
                continue
            out.append(child.extract())
    return out


def _classes(tag, *names: str) -> None:
    tag["class"] = list(tag.get("class", [])) + [n for n in names if n not in tag.get("class", [])]


def _layout(soup, blocks: list, prefix: str = "b") -> list:
    """Figures wrapped, tables sized, and the break rules of the print stylesheet marked.

    * a figure (``<img>``) goes in ``div.figure`` (kept whole, with space above its title);
    * a table wider than 7 columns gets small type (``wide``, ``very-wide``), wider than 12 a
      landscape page together with the sentence that introduces it; a table of words the full
      width (``prose``; it may split between rows); up to ``_KEEP_ROWS`` rows any other stays
      whole (``keep``);
    * a heading, a bold lead-in or a sentence followed by a table or figure is kept with what
      follows (``lead``);
    * the end of the section (short paragraphs, a figure just before them or last) is kept
      with what precedes it (``tail``), so that no page holds a lone sentence or a stranded
      figure.
    """
    from bs4 import Tag

    def div(cls: str, child):
        wrapper = soup.new_tag("div", attrs={"class": cls})
        wrapper.append(child)
        return wrapper

    out = [div("figure", b) if isinstance(b, Tag) and b.name in ("img", "svg") else b for b in blocks]

    def kind(b) -> str:
        if not isinstance(b, Tag):
            return "text"
        if b.name == "table":
            return "table"
        if "figure" in b.get("class", []):
            return "figure"
        if b.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "heading"
        return "text"

    kinds = [kind(b) for b in out]
    for i, (b, k) in enumerate(zip(out, kinds)):
        nxt = kinds[i + 1] if i + 1 < len(kinds) else None
        if k == "heading" or (k == "text" and isinstance(b, Tag) and (_is_lead_in(b) or nxt in ("table", "figure"))):
            _classes(b, "lead")
        if k == "table" and _size_table(b):  # too wide for portrait: a landscape page of its own
            out[i] = div("landscape", b)
        elif k == "text" and isinstance(b, Tag):  # a table inside other HTML output
            for inner in b.find_all("table"):
                _size_table(inner)
    # The section's end: trailing short text, and a figure just before it (or last), keep company.
    i, chars = len(out) - 1, 0
    while i > 0 and kinds[i] == "text" and isinstance(out[i], Tag):
        chars += len(out[i].get_text(" ", strip=True))
        if chars > _TAIL_CHARS:
            break
        _classes(out[i], "tail")
        i -= 1
    if i > 0 and kinds[i] == "figure" and chars <= _TAIL_CHARS:
        _classes(out[i], "tail")
    # A landscape table takes the sentence (or heading) that introduces it to its page.
    for i, b in enumerate(out):
        if isinstance(b, Tag) and "landscape" in b.get("class", []):
            j = i - 1
            while j >= 0 and isinstance(out[j], Tag) and "lead" in out[j].get("class", []):
                b.insert(0, out[j])
                out[j] = None
                j -= 1
    out = [b for b in out if b is not None]
    for i, b in enumerate(out):  # named, so that the page repairs of _render can find them
        if isinstance(b, Tag):
            b["data-block"] = f"{prefix}-{i}"
    return out


def _is_lead_in(tag) -> bool:
    """A paragraph that is only bold text (``**Unsur terlemah per unit**``): a heading in all but name."""
    if tag.name != "p":
        return False
    strong = tag.find(["strong", "b"])
    return strong is not None and strong.get_text(strip=True) == tag.get_text(strip=True)


def _size_table(table) -> bool:
    """Type size, width and keep rules of one table (see :func:`_layout`); True when it needs a
    landscape page."""
    first = table.find("tr")
    # A4 portrait holds about 7 columns at the normal size; wider tables get smaller type.
    ncol = sum(int(c.get("colspan", 1) or 1) for c in first.find_all(["th", "td"])) if first else 0
    if ncol > 7:
        _classes(table, "wide" if ncol <= 12 else "very-wide")
    body = table.find("tbody")
    rows = body.find_all("tr", recursive=False) if body is not None else table.find_all("tr")
    words = [len(c.get_text(" ", strip=True)) for r in rows for c in r.find_all("td") if "num" not in c.get("class", [])]
    prose = bool(words) and (sum(words) / len(words) >= _PROSE_CHARS or max(words) >= 2 * _PROSE_CHARS)
    if prose:  # long text: the full width, so that its column is not squeezed into tall rows
        _classes(table, "prose")
        _column_widths(table)
    elif len(rows) <= _KEEP_ROWS:  # a table of tall rows may split between rows instead
        _classes(table, "keep")
    return ncol > 12


def _column_widths(table) -> None:
    """Fixed column widths of a prose table, from what each column holds.

    WeasyPrint's automatic layout spreads a too-wide table's width evenly, leaving the column of
    long text little more than its longest word (tall, narrow rows). Widths are set instead, in
    characters of the table's type: a column of numbers as wide as its longest cell, any
    column at least as wide as the longest word of
    its header (a header word is never broken), and the columns of text share what is left of
    the line in proportion to their longest cell (capped at ``2 * _PROSE_CHARS``), each at
    least as wide as its longest word.
    """
    head = table.find("thead")
    first = (head or table).find("tr")
    if first is None or any(int(c.get("colspan", 1) or 1) > 1 for c in first.find_all(["th", "td"])):
        return
    heads = first.find_all(["th", "td"])
    body = table.find("tbody") or table
    cells = [r.find_all(["th", "td"]) for r in body.find_all("tr") if r is not first]
    fixed, flexible = {}, {}
    for j, h in enumerate(heads):
        # Bold header letters are about a fifth wider; 2 characters are the cell's padding.
        word = 1.2 * max((len(w) for w in h.get_text(" ", strip=True).split()), default=1)
        column = [r[j] for r in cells if j < len(r)]
        texts = [c.get_text(" ", strip=True) for c in column]
        longest = max(map(len, texts), default=0)
        if longest <= word or (column and all("num" in c.get("class", []) for c in column)):
            fixed[j] = max(longest, word) + 2
        else:  # text wraps, never inside a word
            low = max([word] + [1.1 * len(w) for t in texts for w in t.split()])
            flexible[j] = (low + 2, min(longest, 2 * _PROSE_CHARS) + 2)
    left = _LINE_CHARS - sum(fixed.values())
    share = sum(w for _, w in flexible.values())
    widths = {**fixed, **{j: max(low, left * w / share if share else low) for j, (low, w) in flexible.items()}}
    total = sum(widths.values())

    from bs4 import BeautifulSoup

    cols = "".join(f'<col style="width: {100 * widths[j] / total:.1f}%">' for j in range(len(heads)))
    table.insert(0, BeautifulSoup(f"<colgroup>{cols}</colgroup>", "html.parser").colgroup.extract())
    _classes(table, "fixed")


def _kv_table(rows: list[tuple[str, str]], head: tuple[str, str] | None = None, code_keys: bool = False) -> str:
    # code_keys: the keys are file names, shown as code (a reader sees they are not words).
    e = (lambda k: f"<code>{html.escape(k)}</code>") if code_keys else html.escape
    parts = ["<table>"]
    if head:
        parts.append(f"<thead><tr><th>{e(head[0])}</th><th>{e(head[1])}</th></tr></thead>")
    parts.append("<tbody>")
    parts += [f"<tr><td>{e(str(k))}</td><td>{v}</td></tr>" for k, v in rows]
    parts.append("</tbody></table>")
    return "".join(parts)


def _fmt_value(v: Any, lang: str) -> str:
    from ..text import fmt_value

    return html.escape(fmt_value(v, lang))


def _appendix(manifest: dict[str, Any], report_dir: Path, lang: str) -> str:
    e = html.escape
    t = {k: v[lang] for k, v in _T.items()}
    parts = ['<section class="part appendix" id="lampiran">']
    parts.append(f'<h1 id="lampiran-metode">{e(t["method"])}</h1>')
    parts += [f"<p>{e(p[lang])}</p>" for p in text_namespace("pdf_method").values()]

    parts.append(f'<h1 id="lampiran-cakupan" style="break-before: page">{e(t["coverage"])}</h1>')
    region = manifest.get("region") or {}
    parts.append(_kv_table([
        (t["span"], e(period_name(manifest, lang, span=True))),
        (t["region_config"], e(f"{region.get('name', '')} ({region.get('code', '')})")),
    ]))
    quality = [(nb, r) for nb, r in read_records(report_dir).items() if nb.startswith("01_")]
    for nb, results in quality:
        headline = results.get("headline") if isinstance(results, dict) else None
        if isinstance(headline, dict) and headline:
            rows = []
            for key, v in headline.items():
                label, value = (v.get("label", key), v.get("value")) if isinstance(v, dict) else (key, v)
                rows.append((str(label), _fmt_value(value, lang)))
            parts.append(f"<h2>{e(t['headline'])}</h2>")
            parts.append(_kv_table(rows, (t["measure"], t["value"])))
    inputs = manifest.get("inputs") or {}
    parts.append(f"<h2>{e(t['inputs'])}</h2>")
    parts.append(_kv_table([(k, f'<code class="hash">{e(v)}</code>') for k, v in inputs.items()],
                           (t["file"], "SHA-256"), code_keys=True))

    parts.append(f'<h1 id="lampiran-asal-usul" style="break-before: page">{e(t["provenance"])}</h1>')
    git = manifest.get("git") or {}
    commit = git.get("commit") or "-"
    state = t["dirty"] if git.get("dirty") else (t["clean"] if git.get("dirty") is False else "-")
    parts.append(_kv_table([
        (t["commit"], f'<span class="hash">{e(commit)}</span> ({e(state)})'),
        (t["code"], f'<span class="hash">{e(str(manifest.get("code_sha256", "-")))}</span>'),
        (t["rendered"], e(fmt_datetime(manifest.get("ended"), lang) if manifest.get("ended") else "-")),
    ]))
    nbs = manifest.get("notebooks") or {}
    parts.append(f"<h2>{e(t['section'])}</h2><table><thead><tr><th>{e(t['section'])}</th>"
                 f"<th>{e(t['status'])}</th><th>{e(t['duration'])}</th><th>{e(t['parameters'])}</th>"
                 "</tr></thead><tbody>")
    for name, entry in sorted(nbs.items()):
        params = entry.get("parameters") or {}
        # Parameter names are code a researcher can pass again (-p name=value): shown as code.
        ptext = "<br>".join(f"<code>{e(k)} = {e(str(v))}</code>" for k, v in sorted(params.items()))
        status = str(entry.get("status", ""))
        parts.append(f"<tr><td>{e(section_title(name, lang))}</td><td>{e(text_label('render_' + status, lang) if status in ('ok', 'failed', 'skipped') else status)}</td>"
                     f"<td>{_fmt_value(entry.get('duration_s'), lang)}</td><td class=\"hash\">{ptext}</td></tr>")
    parts.append("</tbody></table>")
    packages = manifest.get("packages") or {}
    parts.append(f"<h2>{e(t['package'])}</h2>")
    parts.append('<p class="packages">' + " &middot; ".join(
        f"<code>{e(k)}&nbsp;{e(str(v))}</code>" for k, v in packages.items()) + "</p>")
    parts.append("</section>")
    return "".join(parts)


def report_html(report_dir: str | Path, manifest: dict[str, Any] | None = None, lang: str = "id") -> str:
    """The single print document (HTML with its print stylesheet) that :func:`build_pdf` renders.

    Parameters
    ----------
    report_dir : path
        A rendered period folder.
    manifest : dict, optional
        Its manifest (read from ``manifest.json`` when not given).
    lang : {"id", "en"}
        Language of the cover, contents, page labels and appendix (sections stay in the
        language they were rendered in).

    Raises
    ------
    ValueError
        For an unknown language.
    MutasiError
        When the folder has no manifest or no rendered section.
    """
    if lang not in _LANGS:
        raise ValueError(f"lang must be one of {', '.join(_LANGS)}, got {lang!r}")
    report_dir = Path(report_dir)
    manifest = manifest if manifest is not None else read_manifest(report_dir)
    if not manifest:
        raise MutasiError(f"{report_dir} has no readable manifest.json; render it with `mutasi report` first")
    sections = _section_order(manifest, report_dir)
    if not sections:
        raise MutasiError(f"{report_dir}: no section rendered successfully; nothing to put in a PDF")
    e = html.escape
    t = {k: v[lang] for k, v in _T.items()}
    if (manifest.get("region") or {}).get("code") == POOLED_CODE:  # the pooled report of many regions
        t["doc"] = text_label("pooled.doc", lang)
    period = period_name(manifest, lang) if manifest.get("period") else report_dir.name
    region = (manifest.get("region") or {}).get("name") or ""
    version = (manifest.get("packages") or {}).get("mutasi-analysis") or "-"
    date = fmt_date(manifest["ended"], lang) if manifest.get("ended") else "-"
    span = period_name(manifest, lang, span=True)

    bodies = [(name, *_section_body(name, path)) for name, path in sections]
    css = _CSS % {"page": t["page"], "of": t["of"]}
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{e(t['doc'])} {e(period)}</title>",
        f'<meta name="author" content="mutasi-analysis {e(version)}">',
        f'<meta name="dcterms.created" content="{e(str(manifest.get("ended", "")))}">',
        f"<style>{css}</style></head><body>",
        '<section class="cover">',
        f'<div class="running-period">{e(period)}</div>',
        f"<h1>{e(t['doc'])}</h1>",
        f'<div class="region">{e(region)}</div>',
        f"<dl><dt>{e(t['period'])}</dt><dd>{e(span)}</dd>",
        f"<dt>{e(t['date'])}</dt><dd>{e(date)}</dd>",
        f"<dt>{e(t['version'])}</dt><dd><code>{e(version)}</code></dd></dl>",
    ]
    failed = manifest.get("failed") or []
    if failed:
        names = ", ".join(section_title(n, lang) for n in failed)  # the sections' titles, not file names
        parts.append(f'<p class="warning">{e(t["failed_note"].format(names=names))}</p>')
    parts.append("</section>")
    parts.append(f'<nav class="toc"><h1>{e(t["toc"])}</h1><ol>')
    for name, title, _, subs in bodies:
        parts.append(f'<li><a href="#bagian-{_slug(name)}">{e(title)}</a></li>')
        parts += [f'<li class="sub"><a href="#{e(sid)}">{e(stitle)}</a></li>' for sid, stitle in subs]
    for aid, key in (("lampiran-metode", "method"), ("lampiran-cakupan", "coverage"),
                     ("lampiran-asal-usul", "provenance")):
        parts.append(f'<li><a href="#{aid}">{e(t[key])}</a></li>')
    parts.append("</ol></nav>")
    for name, title, body, _ in bodies:
        parts.append(f'<section class="part" id="sec-{_slug(name)}">'
                     f'<h1 id="bagian-{_slug(name)}">{e(title)}</h1>{body}</section>')
    parts.append(_appendix(manifest, report_dir, lang))
    parts.append("</body></html>")
    return "\n".join(parts)


# A page of a section holding less text than this (characters), and no figure of half a page,
# is "thin": about three lines of text, or two rows of a table.
_THIN_PAGE_CHARS = 400
# A figure this tall (share of the page body) makes a page of its own worth printing.
_FIGURE_PAGE = 0.5


def _render(weasyprint, document: str, report_dir: Path):
    """Lay the document out, and once more with repairs when a page of a section is thin.

    The print rules keep headings, introductions and a section's last lines with their
    neighbours, but cannot know where a page ends: the last rows of a table may fall alone on a
    page, or a whole table may leave a page with a sentence and a figure. So the layout is
    measured (:func:`_thin_pages`) and, for each thin page,

    * a table split onto it is kept whole (``data-fix="whole"``: it moves, with its rows);
    * else a table kept whole that was pushed to the next page may split (``data-fix="split"``:
      its first rows fill this page);
    * else, at a section's end, the section is set tighter (class ``tight``: smaller type).

    One retry: the second layout is the result, repaired or not.
    """
    doc = weasyprint.HTML(string=document, base_url=str(report_dir)).render()
    pages = _page_blocks(doc)
    fixes = _repairs(pages)
    if not fixes:
        return doc
    for key, fix in sorted(fixes.items()):
        if fix == "tight":
            document = document.replace(f'<section class="part" id="{key}">', f'<section class="part tight" id="{key}">', 1)
        else:
            document = document.replace(f'data-block="{key}"', f'data-block="{key}" data-fix="{fix}"', 1)
    return weasyprint.HTML(string=document, base_url=str(report_dir)).render()


def _repairs(pages: list[dict]) -> dict[str, str]:
    """Block or section -> repair (``whole``, ``split``, ``tight``) for the thin pages (see :func:`_render`)."""
    fixes: dict[str, str] = {}
    for n, page in enumerate(pages):
        if not _thin(page):
            continue
        before = pages[n - 1] if n > 0 else None
        after = pages[n + 1] if n + 1 < len(pages) else None
        first = page["blocks"][0] if page["blocks"] else None
        # The next page's first table, after the sentence or heading that introduces it.
        pushed = next((b for b in after["blocks"][:3] if b[1] == "table"), None) if after else None
        if first and before and first[0] in {b for b, _, _ in before["blocks"]} and first[1] == "table":
            fixes[first[0]] = "whole"
        elif pushed and pushed[2] and after["section"] == page["section"]:
            fixes[pushed[0]] = "split"
        elif page["section"] and (after is None or after["section"] != page["section"]) and before \
                and before["section"] == page["section"]:
            fixes[page["section"]] = "tight"
    return fixes


def _thin(page: dict) -> bool:
    return bool(page["section"]) and page["chars"] < _THIN_PAGE_CHARS and page["figure"] < _FIGURE_PAGE


def _page_blocks(doc) -> list[dict]:
    """:func:`_page_info` of every laid-out page."""
    return [_page_info(page) for page in doc.pages]


def _page_info(page) -> dict:
    """One laid-out page: its report section (``sec-*``, or None), characters of text, the
    tallest figure as a share of the page body, and its blocks in order as
    ``(data-block, tag, kept whole)``."""
    from weasyprint.formatting_structure import boxes

    info = {"section": None, "chars": 0, "figure": 0.0, "blocks": []}
    body = page._page_box.height  # the page area inside the margins

    def walk(box):
        if isinstance(box, boxes.MarginBox):  # running header and page number
            return
        element = getattr(box, "element", None)
        if element is not None:
            sid = element.get("id") or ""
            if box.element_tag == "section" and sid.startswith("sec-") and info["section"] is None:
                info["section"] = sid
            block = element.get("data-block")
            if block and all(b != block for b, _, _ in info["blocks"]):
                kept = "keep" in (element.get("class") or "").split() and element.get("data-fix") != "split"
                info["blocks"].append((block, box.element_tag, kept))
        if isinstance(box, boxes.TextBox):
            info["chars"] += len(box.text.strip())
        elif isinstance(box, boxes.ReplacedBox):
            info["figure"] = max(info["figure"], box.height / body)
        for child in getattr(box, "children", []):
            walk(child)

    walk(page._page_box)
    return info


def build_pdf(report_dir: str | Path, manifest: dict[str, Any] | None = None, lang: str = "id") -> Path:
    """Write ``<report_dir>/laporan-<period>.pdf``.

    Parameters
    ----------
    report_dir : path
        A rendered period folder (``reports/<period>``).
    manifest : dict, optional
        Its manifest (read from ``manifest.json`` when not given).
    lang : {"id", "en"}
        Language of the cover, contents, page labels and appendix.

    Returns
    -------
    Path
        The PDF written (atomically).

    Raises
    ------
    MutasiError
        When the folder has no manifest or no rendered section, or WeasyPrint (or the Pango
        libraries it needs) is not installed.
    """
    report_dir = Path(report_dir)
    manifest = manifest if manifest is not None else read_manifest(report_dir)
    document = report_html(report_dir, manifest, lang)
    problem = pdf_engine_problem()
    if problem:
        raise MutasiError(problem)
    import weasyprint

    period = str(manifest.get("period", report_dir.name))
    target = report_dir / pdf_name(period)
    with replaced_atomically(target, 0o644) as tmp:
        _render(weasyprint, document, report_dir).write_pdf(tmp)
    return target
