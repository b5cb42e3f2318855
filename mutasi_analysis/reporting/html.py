"""HTML export of an executed notebook: code hidden, every asset inside the file.

nbconvert runs in-process (a separate ``jupyter nbconvert`` costs ~4.5 s of start-up per call).
The ``offline`` template (``templates/offline``) is nbconvert's lab template with the CDN
scripts (MathJax, require.js, mermaid, widgets) removed.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["export_html", "external_references", "first_heading", "without_artist_reprs", "TEMPLATE_DIR", "CSP",
           "CSP_META"]

#: Content-Security-Policy of every report page and the index: no script at all (a report needs
#: none, so an injected handler cannot run), nothing fetched, no frames or forms; inline CSS and
#: data-URI figures only. Values are escaped too (:mod:`mutasi_analysis.reporting.notebook`):
#: the policy is the second line of defence.
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
       "base-uri 'none'; form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'

TEMPLATE_DIR = Path(__file__).with_name("templates")

# Cells papermill adds ("injected-parameters") and cells a notebook tags "remove" never show.
_REMOVE_TAGS = ("injected-parameters", "remove", "remove-cell")

# What a plotting call returns when it ends a cell without ";": the repr of a matplotlib object
# ("<matplotlib.legend.Legend at 0x7f...>", "Text(0.5, 1.0, 'IKM')", "[None, None]"). Machinery,
# not content: such a result is left off the page.
_ARTIST_REPR = re.compile(
    r"<[^<>]*\bat 0x[0-9a-fA-F]+>|<(?:Axes|Figure|matplotlib)\b[^<>]*>"
    r"|\b(?:Text|Line2D|Rectangle|Annotation)\(.*?\)(?=\s*(?:[,\])]|$))|\bNone\b"
)


def export_html(notebook, html_path: str | Path, title: str | None = None, lang: str = "id") -> Path:
    """Write a self-contained HTML page of an executed notebook without its code.

    Parameters
    ----------
    notebook : NotebookNode or str or Path
        The executed notebook, or its path.
    html_path : str or Path
        Where to write the page.
    title : str, optional
        Page title (defaults to the notebook's first heading).
    lang : {"id", "en"}
        The page's language (``<html lang>``), so that browsers, screen readers and hyphenation
        treat an Indonesian report as Indonesian.

    Returns
    -------
    Path
        ``html_path``.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(str(notebook), as_version=4)
    notebook = without_artist_reprs(notebook)
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = _REMOVE_TAGS
    exporter = HTMLExporter(
        config=c,
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        # The exporter writes its own trait into resources["language_code"] (the template's
        # <html lang>), over any value passed in resources: it is set here.
        language_code=lang,
    )
    # nbconvert warns about figures without alt text on every page: noise for report readers.
    exporter.log.addFilter(_quiet_alt_text)
    title = title or first_heading(notebook) or Path(html_path).stem
    resources = {"metadata": {"name": title}, "csp": CSP}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    html_path = Path(html_path)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def without_artist_reprs(nb):
    """A copy of ``nb`` without the results that only show a matplotlib object's repr.

    Only an ``execute_result`` whose sole content is plain text made of such reprs (and
    brackets, commas, ``None``) goes; any other result, text or table stays.
    """
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = [o for o in cell.get("outputs", []) if not _is_artist_repr(o)]
    return nb


def _is_artist_repr(output) -> bool:
    if output.get("output_type") != "execute_result" or set(output.get("data", {})) != {"text/plain"}:
        return False
    text = output["data"]["text/plain"]
    text = "".join(text) if isinstance(text, list) else text
    return bool(text.strip()) and not re.sub(r"[\[\](),\s]", "", _ARTIST_REPR.sub("", text))


def first_heading(nb) -> str | None:
    """The first level-1 Markdown heading, in a Markdown cell or a Markdown output, as plain text.

    Markdown backslash escapes and HTML entities (what the narrator writes for values) are
    undone: the result is the text a reader sees, to be escaped again where it is placed.
    """
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])
        ]
        for t in texts:
            t = "".join(t) if isinstance(t, list) else t
            for line in t.splitlines():
                if line.startswith("# "):
                    return html.unescape(re.sub(r"\\(.)", r"\1", line[2:].strip())) or None
    return None


def _quiet_alt_text(record) -> bool:
    return "Alternative text is missing" not in record.getMessage()


class _RefFinder(HTMLParser):
    # Attributes through which a browser fetches something when the page loads.
    _ATTRS = {"src", "href", "srcset", "data", "poster", "xlink:href"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        for name, value in attrs:
            if not value or name not in self._ATTRS:
                continue
            # <a href> is a link the reader may follow, not a load; everything else loads.
            if tag == "a" and name == "href":
                continue
            if _is_remote(value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", data):
                if _is_remote(url):
                    self.found.append(f"css url({url})")
            for url in re.findall(r"@import\s+['\"]([^'\"]+)", data):
                if _is_remote(url):
                    self.found.append(f"css @import {url}")


def _is_remote(url: str) -> bool:
    u = url.strip().lower()
    return u.startswith(("http://", "https://", "//", "ftp://"))


def external_references(html: str) -> list[str]:
    """Every resource an HTML page would fetch from a network when opened.

    Scripts, stylesheets, images, fonts, frames and media with an ``http(s)://`` or
    protocol-relative address, and remote ``url()`` / ``@import`` in inline CSS. Plain links
    (``<a href>``) are not loads and are not listed.

    Parameters
    ----------
    html : str

    Returns
    -------
    list of str
        One description per reference; empty for a self-contained page.
    """
    finder = _RefFinder()
    finder.feed(html)
    finder.close()
    return finder.found
