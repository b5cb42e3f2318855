"""Every HTML report and ``reports/index.html`` opened in a real browser, offline.

Debian's Chromium (``/usr/bin/chromium``), driven by Playwright for Python with the
distribution's browser (``executable_path``; Playwright's own browser download is not used).
Every request that is not a local file or inline data is aborted and counted; console errors,
page errors and failed requests fail the test; every figure must be decoded and not blank.
Screenshots go to the test's temporary folder.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from handover_project import SECTION_TITLES
from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module
from tests.reporting.visual import block_network

pytestmark = [pytest.mark.render, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
# The machine's notes on running Chromium here: without the background-networking flags it
# keeps trying to reach Google's hosts, which this closed network refuses.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class Visit:
    """What one page did while loading: blocked and failed requests, console and page errors."""

    def __init__(self):
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} (Debian package chromium)", INSTALL_SYSTEM_DEPS)
    playwright_api = require_module("playwright.sync_api", "drives Chromium",
                                    how_to_fix="pip install playwright (no browser download needed)")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    pw = playwright_api.sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            chromium_sandbox=False, viewport={"width": 1280, "height": 900}, offline=False,
        )
    except Exception as err:  # a browser that cannot start is an environment problem
        pw.stop()
        require(False, f"a Chromium that starts under Playwright ({err})", INSTALL_SYSTEM_DEPS)
    yield context
    context.close()
    pw.stop()


def open_page(context, path: Path, shot: Path):
    """Open ``path`` with the network blocked; returns ``(page, Visit)`` after a screenshot."""
    visit = Visit()
    page = context.new_page()
    visit.blocked = block_network(page)
    page.on("requestfailed", lambda req: visit.failed.append(f"{req.url}: {req.failure}"))
    page.on("console", lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shot), full_page=True)
    return page, visit


def figure_pixels(element) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(element.screenshot())).convert("L"), dtype=float)


def report_pages(rendered) -> list[Path]:
    m = rendered["manifest"]
    return [rendered["folder"] / e["files"]["html"] for e in m["notebooks"].values()]


def test_every_report_page_loads_offline_with_non_blank_figures(rendered, browser, tmp_path):
    pages = report_pages(rendered)
    assert len(pages) == len(SECTION_TITLES)
    n_figures = 0
    for path in pages:
        page, visit = open_page(browser, path, tmp_path / f"{path.stem}.png")
        assert visit.blocked == [], f"{path.name} asked the network for {visit.blocked}"
        assert visit.failed == [], f"{path.name}: failed requests {visit.failed}"
        assert visit.console_errors == [] and visit.page_errors == [], (
            f"{path.name}: console {visit.console_errors}, page errors {visit.page_errors}")
        assert SECTION_TITLES[path.stem] in page.locator("h1").first.inner_text()
        for img in page.locator("img").all():
            img.scroll_into_view_if_needed()
            decoded = img.evaluate("e => e.complete && e.naturalWidth > 0 && e.naturalHeight > 0")
            assert decoded, f"{path.name}: an image did not decode"
            px = figure_pixels(img)
            assert px.std() > 10 and (px < 200).mean() > 0.01, f"{path.name}: a figure is blank"
            n_figures += 1
        assert page.locator("pre:has-text('import ')").count() == 0  # no code shown
        page.close()
        assert (tmp_path / f"{path.stem}.png").stat().st_size > 10_000
    assert n_figures == 2  # the rotation bar chart (PNG) and the event study (SVG)


def test_index_loads_offline_and_links_every_report(rendered, browser, tmp_path):
    index = rendered["reports"] / "index.html"
    page, visit = open_page(browser, index, tmp_path / "index.png")
    assert visit.blocked == [] and visit.failed == []
    assert visit.console_errors == [] and visit.page_errors == []
    hrefs = page.locator("a").evaluate_all("as => as.map(a => a.href)")
    linked = {Path(h.removeprefix("file://")).resolve() for h in hrefs if h.startswith("file://")}
    for path in report_pages(rendered):
        assert path.resolve() in linked
    assert all(p.exists() for p in linked), "every link on the index opens a file"
    assert "Semester I 2026" in page.inner_text("body")  # the period in words
    assert (tmp_path / "index.png").exists()


def test_the_checks_catch_a_page_that_reaches_out(browser, tmp_path):
    # Negative control: a page with a remote image, a remote script and a console error
    # must be caught by the same checks, or the passing tests above would prove nothing.
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><h1>x</h1>"
        '<img src="https://cdn.example.org/fig.png" width="40" height="40">'
        '<script src="https://cdn.example.org/lib.js"></script>'
        "<script>console.error('boom')</script>"
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==" width="40" height="40">'
        "</body></html>",
        encoding="utf-8",
    )
    page, visit = open_page(browser, bad, tmp_path / "bad.png")
    assert sorted(visit.blocked) == ["https://cdn.example.org/fig.png", "https://cdn.example.org/lib.js"]
    assert len(visit.failed) == 2
    assert any("boom" in e for e in visit.console_errors)
    imgs = page.locator("img").all()
    assert imgs[0].evaluate("e => e.naturalWidth") == 0  # the remote figure never decoded
    # a one-pixel image scaled up is a flat colour: the blank-figure check rejects it
    px = figure_pixels(imgs[1])
    assert not (px.std() > 10 and (px < 200).mean() > 0.01)
    page.close()
