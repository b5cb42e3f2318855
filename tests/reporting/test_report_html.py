"""HTML pages: code hidden, figures inline, nothing loaded from a network."""

from __future__ import annotations

import base64

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mutasi_analysis.reporting.html import export_html, external_references

# A 1x1 PNG.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)).decode()


def _executed_notebook():
    code = new_code_cell("fig = make_figure_SECRET_CODE()\nfig", execution_count=1)
    code.outputs = [
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        new_output("stream", name="stdout", text="IKM 82,41\n"),
    ]
    params = new_code_cell('period = "2026-S1"  # injected', execution_count=2,
                           metadata={"tags": ["injected-parameters"]})
    params.outputs = [new_output("stream", name="stdout", text="INJECTED_OUTPUT\n")]
    md = new_markdown_cell("# Ringkasan\n\nRumus $IKM = \\bar{x} \\times 25$.")
    nb = new_notebook(cells=[md, params, code])
    nb.metadata.kernelspec = {"name": "mutasi-analysis", "language": "python", "display_name": "x"}
    return nb


def test_page_has_outputs_but_no_code_and_no_network_loads(tmp_path):
    path = export_html(_executed_notebook(), tmp_path / "r.html")
    page = path.read_text(encoding="utf-8")
    assert "make_figure_SECRET_CODE" not in page        # code hidden
    assert "INJECTED_OUTPUT" not in page                # papermill's parameter cell removed
    assert "IKM 82,41" in page and "Ringkasan" in page  # outputs and narrative kept
    assert f"data:image/png;base64,{PNG[:20]}" in page  # figure inline
    assert external_references(page) == []
    assert "mathjax" not in page.lower() and "require.js" not in page.lower()
    assert "<title>Ringkasan</title>" in page


def test_stock_lab_template_would_fail_the_check(tmp_path):
    # The checker must be able to fail: nbconvert's stock page loads CDN scripts.
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter(template_name="lab").from_notebook_node(_executed_notebook())
    refs = external_references(page)
    assert any("require" in r for r in refs) and any("mathjax" in r.lower() for r in refs)


@pytest.mark.parametrize("snippet", [
    '<script src="https://cdn.example.org/x.js"></script>',
    '<link rel="stylesheet" href="http://fonts.example.org/css">',
    '<img src="//example.org/a.png">',
    '<style>@font-face{src:url("https://fonts.gstatic.com/x.woff2")}</style>',
    "<style>@import 'https://example.org/a.css';</style>",
    '<iframe src="https://example.org"></iframe>',
])
def test_external_references_are_found(snippet):
    assert len(external_references(f"<html><head>{snippet}</head></html>")) == 1


@pytest.mark.parametrize("snippet", [
    '<a href="https://example.org">sumber</a>',
    f'<img src="data:image/png;base64,{PNG}">',
    '<style>/* see https://example.org */ body{color:red}</style>',
    '<a href="02_mutasi.html">02</a>',
])
def test_links_inline_data_and_comments_are_not_loads(snippet):
    assert external_references(f"<html><body>{snippet}</body></html>") == []


def test_export_from_a_path(tmp_path):
    src = tmp_path / "n.ipynb"
    nbformat.write(_executed_notebook(), str(src))
    page = export_html(src, tmp_path / "n.html").read_text(encoding="utf-8")
    assert "IKM 82,41" in page


def test_page_aligns_text_left_and_numbers_right(tmp_path):
    """Issue 12: the lab theme right-aligns every cell; the report's own rules come after it."""
    page = export_html(_executed_notebook(), tmp_path / "r.html").read_text(encoding="utf-8")
    lab = page.index(":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td")
    text_left = page.index(".jp-RenderedHTMLCommon table.dataframe td { text-align: left;")
    num_right = page.index(".jp-RenderedHTMLCommon table.dataframe td.num { text-align: right;")
    assert lab < text_left < num_right


@pytest.mark.parametrize("text, machinery", [
    ("<matplotlib.legend.Legend at 0x7f9d47257590>", True),
    ("[None,\n None,\n None]", True),
    ("Text(0.5, 1.0, 'IKM per unit (IK 95%)')", True),
    ("[<matplotlib.lines.Line2D at 0x7f1>, <matplotlib.lines.Line2D at 0x7f2>]", True),
    ("<Axes: xlabel='Bulan', ylabel='IKM'>", True),
    ("(0.0, 1.0)", False),  # numbers are content
    ("82.41", False),
    ("None of the units", False),
])
def test_results_that_only_show_a_plot_objects_repr_are_left_off(tmp_path, text, machinery):
    """Issue 12: '<matplotlib.legend.Legend at 0x...>' printed on a report page."""
    nb = _executed_notebook()
    nb.cells[2].outputs.append(new_output("execute_result", data={"text/plain": text}, execution_count=1))
    page = export_html(nb, tmp_path / "r.html").read_text(encoding="utf-8")
    shown = text.split("\n")[0].replace("<", "&lt;").replace("'", "&#x27;")[:20]
    assert (shown not in page) == machinery, page[page.find("jp-OutputArea-executeResult"):][:400]
    assert len(nb.cells[2].outputs) == 3  # the caller's notebook is not changed


@pytest.mark.parametrize("lang", ["id", "en"])
def test_page_declares_the_report_language(tmp_path, lang):
    page = export_html(_executed_notebook(), tmp_path / "r.html", lang=lang).read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
