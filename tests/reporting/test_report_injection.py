"""Text from a region config (or data) never runs in a reader's browser or shapes the PDF.

The real summary notebook is rendered for a region whose name carries an HTML payload. The page must show the payload as text (escaped in the narrative), must forbid script
by its Content-Security-Policy (checked in headless Chromium, also on a copy where the escape
is undone by hand), and the PDF must print the characters rather than read them as tags.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mutasi_analysis.reporting import pipeline
from mutasi_analysis.reporting.pipeline import run_report

from report_helpers import REPO, write_project

pytestmark = [pytest.mark.render, pytest.mark.slow]
PAYLOAD = '<img src=x onerror="window.__pwned=1;document.title=\'PWNED\'">'
NAME = f"Kecamatan {PAYLOAD}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")
    proj = write_project(tmp_path_factory.mktemp("hostile_project"))
    toml = proj["region"].read_text(encoding="utf-8")
    toml = toml.replace('name = "Kecamatan Alak"', "name = " + json.dumps(NAME), 1)  # a TOML basic string
    assert json.dumps(NAME) in toml
    proj["region"].write_text(toml, encoding="utf-8")
    for nb in proj["notebooks"].glob("*.ipynb"):
        nb.unlink()
    shutil.copy(REPO / "notebooks" / "00_ringkasan.ipynb", proj["notebooks"])
    lines: list[str] = []
    outcome = run_report("2026-S1", region=proj["region"], processed=proj["processed"], reports=proj["reports"],
                         notebooks=proj["notebooks"], today=dt.date(2026, 11, 28), out=lines.append)
    assert outcome.exit_code == 0, "\n".join(lines)
    yield {**proj, "folder": proj["reports"] / "2026-S1"}
    mp.undo()


def _pages(hostile):
    return [hostile["folder"] / "00_ringkasan.html", hostile["reports"] / "index.html"]


def test_the_payload_is_text_and_the_pages_forbid_script(hostile):
    page = (hostile["folder"] / "00_ringkasan.html").read_text(encoding="utf-8")
    shown = BeautifulSoup(page, "html.parser").find("main").get_text(" ")
    assert PAYLOAD in " ".join(shown.split())                     # shown as exactly these characters
    assert not re.search(r"<img[^>]*onerror", page)               # never an element
    for path in _pages(hostile):
        html = path.read_text(encoding="utf-8")
        meta = BeautifulSoup(html, "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None, f"{path.name} has no Content-Security-Policy"
        assert "default-src 'none'" in meta["content"] and "script-src" not in meta["content"], path.name
        assert "<script" not in html, path.name


def test_no_injected_handler_fires_in_chromium(hostile, tmp_path):
    from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module

    chromium = "/usr/bin/chromium"
    require(Path(chromium).exists(), f"{chromium} (Debian package chromium)", INSTALL_SYSTEM_DEPS)
    api = require_module("playwright.sync_api", "drives Chromium", how_to_fix="pip install playwright")
    # Defence in depth: a copy of the page with the escape undone by hand must still not run.
    raw = tmp_path / "unescaped.html"
    page = (hostile["folder"] / "00_ringkasan.html").read_text(encoding="utf-8")
    raw.write_text(page.replace("<main>", "<main>" + PAYLOAD, 1), encoding="utf-8")
    assert PAYLOAD in raw.read_text(encoding="utf-8")
    pw = api.sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, chromium_sandbox=False,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        for path in [*_pages(hostile), raw]:
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate("window.__pwned === undefined"), f"{path.name}: the injected handler ran"
            assert page.title() != "PWNED", path.name
        assert any("script" in v for v in violations), "the unescaped copy should show a CSP refusal"
        browser.close()
    finally:
        pw.stop()


def test_the_pdf_prints_the_payload_as_characters(hostile):
    from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module

    require_module("weasyprint", "writes the PDF", how_to_fix=INSTALL_SYSTEM_DEPS)
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)", INSTALL_SYSTEM_DEPS)
    from mutasi_analysis.reporting.handover import build_handover, handover_text

    made = build_handover(hostile["folder"], lang="id", pdf=True)
    text = handover_text(hostile["folder"] / made["pdf"])
    assert PAYLOAD in " ".join(text.split())
