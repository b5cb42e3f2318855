"""How a rendered report looks: report pages in headless Chromium, PDF pages through poppler.

Issue 12 asks for a visual check per section and for page checks of the PDF:

* **Section pages** (HTML), opened offline in Debian's Chromium through Playwright (as
  ``tests/handover/test_browser.py`` does), with a full-page screenshot kept as a test output:
  no horizontal overflow (the page scrolls sideways, or a table or figure is wider than its
  container), no large blank band inside the content, every figure decoded and not blank.
* **PDF pages**: every page but the cover carries a minimum of text unless it is a full-page
  figure; no page holds only a heading, and no page ends on a heading whose text starts on
  the next page.

The thresholds below were fixed, with the reasoning written beside them, before any of them
was run on a report.
"""

from __future__ import annotations

import html as html_lib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np

__all__ = [
    "CHROMIUM", "FLAGS", "VIEWPORT", "BLANK_BAND_PX", "UNIFORM_LEVELS", "MIN_PAGE_CHARS",
    "FULL_PAGE_FIGURE", "BODY_BAND", "ARTIFACTS_ENV",
    "start_chromium", "require_chromium", "open_offline", "save_screenshot", "keep_artifact_text", "overflow_problems", "figure_problems",
    "blank_bands", "blank_band_problems", "section_page_problems",
    "pdf_page_size", "pdf_body_texts", "pdf_outline", "pdf_ink_extents", "page_problems",
    "pdf_page_problems",
]

# --------------------------------------------------------------------------------------------
# Thresholds (fixed before looking at any result)
# --------------------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
# As tests/handover/test_browser.py: without the background-networking flags Chromium keeps
# trying to reach Google's hosts, which this closed network refuses.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# The window of test_browser.py: a common office laptop screen.
VIEWPORT = {"width": 1280, "height": 900}

#: A blank band is a run of more than this many screenshot rows (CSS pixels at device scale 1)
#: of one colour, inside the page's content column, between its first and last printed row.
#: The JupyterLab template's designed spacing stays far below it: a paragraph margin is about
#: 1 em (14 px), a heading's top margin under 2 em, an output area's padding a few pixels, so
#: that even a heading after a paragraph leaves well under 100 px. 200 px is about ten lines
#: of text and more than a fifth of the 900 px window: a gap a reader takes for missing
#: content (an empty output area, a figure drawn with half its canvas empty).
BLANK_BAND_PX = 200
#: A row counts as one colour when its grey levels span at most this much: anti-aliased text,
#: rules and figures always span far more; 2 levels absorb colour-conversion rounding.
UNIFORM_LEVELS = 2

#: Minimum text (characters, white space collapsed, running header and page number left out)
#: of a PDF page other than the cover and a full-page figure. The report's sentences are the
#: finding templates of mutasi_analysis.text (23 to 255 characters before filling, median
#: 114) and table rows of 60 to 120 characters: a page under 200 characters holds about one
#: sentence or one or two table rows, which issue 12 forbids ("no page holding a single
#: sentence or a single table row"). A full A4 page of body text holds about 4,000.
MIN_PAGE_CHARS = 200
#: A page with less text is a full-page figure when its printed area spans at least this
#: share of the body's height. A figure as wide as the text column at matplotlib's default
#: 4:3 aspect spans about half of this layout's body (174 mm wide, so 130 mm high, of 255
#: mm): smaller, it is a figure stranded on a mostly empty page, not a page given to a figure.
FULL_PAGE_FIGURE = 0.5
#: The page body, as a share of the page height: the A4 page inside the ``@page`` margins of
#: the print stylesheet (mutasi_analysis/reporting/pdf.py: 22 mm top, 20 mm bottom of 297
#: mm). The running header (region, period) and the page number sit in those margins.
#: tests/handover/test_pdf.py's ink band (9%..91%) is narrower on purpose and would cut the
#: first line of text.
BODY_BAND = (22 / 297, 1 - 20 / 297)
#: A pixel is printed when darker than this grey level (of 255), as in test_pdf.py.
INK_LEVEL = 200

#: Screenshots are copied into this folder, when set, so that CI can keep them.
ARTIFACTS_ENV = "MUTASI_TEST_ARTIFACTS"


# --------------------------------------------------------------------------------------------
# Chromium
# --------------------------------------------------------------------------------------------
def start_chromium(profile: Path):
    """Start Playwright and Chromium with a fresh profile; returns ``(playwright, context)``.

    The caller checks first that Chromium and Playwright exist (``tests.conftest.require``)
    and closes both (``context.close(); playwright.stop()``).
    """
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            chromium_sandbox=False, viewport=VIEWPORT, device_scale_factor=1,
        )
    except Exception:
        pw.stop()
        raise
    return pw, context


def require_chromium(profile: Path):
    """:func:`start_chromium`, or skip the test (a failure when CI=true) when Chromium or
    Playwright is missing or cannot start, as tests/handover/test_browser.py does."""
    from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module

    require(Path(CHROMIUM).exists(), f"{CHROMIUM} (Debian package chromium)", INSTALL_SYSTEM_DEPS)
    require_module("playwright.sync_api", "drives Chromium",
                   how_to_fix="pip install playwright (no browser download needed)")
    try:
        return start_chromium(profile)
    except Exception as err:  # a browser that cannot start is an environment problem
        require(False, f"a Chromium that starts under Playwright ({err})", INSTALL_SYSTEM_DEPS)


def block_network(page) -> list[str]:
    """Abort every request of ``page`` but local files and inline data; returns the list the
    aborted URLs are appended to."""
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:", "blob:", "about:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


def open_offline(context, path: Path):
    """Open ``path`` with every request but local files and inline data aborted.

    Returns
    -------
    (page, blocked)
        The loaded page and the URLs it tried to fetch from elsewhere.
    """
    page = context.new_page()
    blocked = block_network(page)
    page.goto(Path(path).resolve().as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, blocked


def save_screenshot(page, shot: Path, artifact_name: str) -> Path:
    """A full-page screenshot at ``shot``, copied to ``$MUTASI_TEST_ARTIFACTS/<name>.png``."""
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    folder = os.environ.get(ARTIFACTS_ENV, "").strip()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(folder) / f"{artifact_name}.png")
    return shot


def keep_artifact_text(name: str, text: str) -> Path | None:
    """Write ``text`` to ``$MUTASI_TEST_ARTIFACTS/<name>.txt`` when the variable is set (a
    work list that CI keeps beside the screenshots)."""
    folder = os.environ.get(ARTIFACTS_ENV, "").strip()
    if not folder:
        return None
    path = Path(folder) / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


# Names an element for a message: its tag, its number among its kind, the heading above it.
_JS_HELPERS = r"""
const heads = [...document.querySelectorAll('h1, h2, h3, h4')];
const headingText = (h) => h.innerText.replace('¶', '').replace(/\s+/g, ' ').trim().slice(0, 60);
const under = (el) => {
  let found = null;
  for (const h of heads) {
    if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = h;
  }
  return found ? ` under '${headingText(found)}'` : '';
};
const nth = (el) => [...document.querySelectorAll(el.tagName)].indexOf(el) + 1;
const label = (el) => `${el.tagName.toLowerCase()} ${nth(el)}${under(el)}`;
"""

_OVERFLOW_JS = "() => {" + _JS_HELPERS + r"""
const out = [];
const root = document.documentElement;
if (root.scrollWidth > root.clientWidth) {
  out.push(`the page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window (it scrolls sideways)`);
}
for (const el of document.querySelectorAll('table, img, svg, figure, pre')) {
  if (el.parentElement && el.parentElement.closest('svg')) continue;  // a part of a figure
  let box = el.parentElement;
  while (box && getComputedStyle(box).display.startsWith('inline')) box = box.parentElement;
  if (!box) continue;
  const cs = getComputedStyle(box);
  const inner = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const width = Math.max(el.getBoundingClientRect().width, el.scrollWidth);
  if (width > inner + 1) {
    out.push(`${label(el)} is ${Math.round(width)}px wide in a ${Math.round(inner)}px container`);
  }
}
return out;
}"""

_HEADINGS_JS = "() => {" + _JS_HELPERS + r"""
return heads.map(h => [h.getBoundingClientRect().top + window.scrollY, headingText(h)]);
}"""

_CONTENT_JS = r"""() => {
const el = document.querySelector('main') || document.body;
const r = el.getBoundingClientRect();
return [Math.max(0, Math.floor(r.left + window.scrollX)), Math.ceil(r.right + window.scrollX)];
}"""


def overflow_problems(page) -> list[str]:
    """Horizontal overflow: the page scrolls sideways, or a table, figure or preformatted
    block is wider than the element that holds it (it is then cut or scrolls on its own)."""
    return page.evaluate(_OVERFLOW_JS)


def figure_problems(page) -> list[str]:
    """Figures (``img``, inline ``svg``) that did not decode or are blank.

    Blank as in test_browser.py: grey levels with a standard deviation of at most 10, or under
    1% of pixels darker than 200.
    """
    from PIL import Image

    out = []
    for i, el in enumerate(page.locator("img, svg:not(svg svg)").all(), start=1):
        el.scroll_into_view_if_needed()
        tag = el.evaluate("e => e.tagName.toLowerCase()")
        if tag == "img" and not el.evaluate("e => e.complete && e.naturalWidth > 0 && e.naturalHeight > 0"):
            out.append(f"figure {i} ({tag}) did not decode")
            continue
        px = np.asarray(Image.open(io.BytesIO(el.screenshot())).convert("L"), dtype=float)
        if not (px.std() > 10 and (px < INK_LEVEL).mean() > 0.01):
            out.append(f"figure {i} ({tag}) is blank (grey std {px.std():.1f}, {(px < INK_LEVEL).mean():.2%} printed)")
    return out


def blank_bands(gray: np.ndarray, min_px: int = BLANK_BAND_PX, levels: int = UNIFORM_LEVELS) -> list[tuple[int, int]]:
    """Runs of more than ``min_px`` one-colour rows between the first and last printed row.

    Parameters
    ----------
    gray : ndarray
        A greyscale image (rows x columns), already cut to the content column.
    min_px : int
    levels : int
        A row is one colour when ``max - min <= levels``.

    Returns
    -------
    list of (top, bottom)
        Row ranges, ``bottom`` exclusive. Margins above the first and below the last printed
        row are not bands: a page may end early.
    """
    if gray.size == 0:
        return []
    gray = np.asarray(gray, dtype=float)
    uniform = (gray.max(axis=1) - gray.min(axis=1)) <= levels
    printed = np.flatnonzero(~uniform)
    if printed.size == 0:
        return []
    bands, start = [], None
    for y in range(printed[0], printed[-1] + 1):
        if uniform[y] and start is None:
            start = y
        elif not uniform[y] and start is not None:
            if y - start > min_px:
                bands.append((start, y))
            start = None
    return bands


def blank_band_problems(page, shot: Path) -> list[str]:
    """:func:`blank_bands` of a page's screenshot, in its content column, named by heading."""
    from PIL import Image

    left, right = page.evaluate(_CONTENT_JS)
    gray = np.asarray(Image.open(shot).convert("L"), dtype=float)
    right = min(right, gray.shape[1])
    heads = page.evaluate(_HEADINGS_JS)
    out = []
    for top, bottom in blank_bands(gray[:, left:right]):
        above = [t for y, t in heads if y <= top]
        where = f" under '{above[-1]}'" if above else ""
        out.append(f"blank band of {bottom - top}px at y={top}..{bottom}{where}")
    return out


def section_page_problems(context, path: Path, shot: Path, artifact_name: str) -> list[str]:
    """Open one report page offline, keep its screenshot, and list what looks wrong.

    Returns
    -------
    list of str
        One line per problem, each starting with the page's name: network requests,
        horizontal overflow, blank bands, figures not decoded or blank.
    """
    page, blocked = open_offline(context, path)
    try:
        save_screenshot(page, shot, artifact_name)
        problems = [f"asked the network for {u}" for u in blocked]
        problems += overflow_problems(page)
        problems += blank_band_problems(page, shot)
        problems += figure_problems(page)
    finally:
        page.close()
    return [f"{artifact_name}: {p}" for p in problems]


# --------------------------------------------------------------------------------------------
# PDF pages
# --------------------------------------------------------------------------------------------
def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=300).stdout


def pdf_page_size(path: Path) -> tuple[float, float]:
    """Width and height of the first page, in points."""
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", str(path)), re.M)
    return float(m.group(1)), float(m.group(2))


def pdf_body_texts(path: Path) -> list[str]:
    """Each page's text inside :data:`BODY_BAND` (no running header, no page number)."""
    from reader_text import pdf_page_texts

    width, height = pdf_page_size(path)
    top, bottom = BODY_BAND
    return pdf_page_texts(path, crop=(0, height * top, width, height * (bottom - top)))


def pdf_outline(path: Path) -> dict[int, list[str]]:
    """The PDF's bookmarks (section and sub-section headings), by page."""
    xml = _run("pdftohtml", "-xml", "-stdout", "-i", "-q", str(path))
    out: dict[int, list[str]] = {}
    for page, title in re.findall(r'<item page="(\d+)">([^<]+)</item>', xml):
        out.setdefault(int(page), []).append(html_lib.unescape(title).strip())
    return out


def pdf_ink_extents(path: Path, workdir: Path) -> list[float]:
    """For each page, the share of the body's height between its first and last printed row."""
    from PIL import Image

    workdir.mkdir(parents=True, exist_ok=True)
    _run("pdftoppm", "-r", "40", "-gray", "-png", str(path), str(workdir / "p"))
    out = []
    for img in sorted(workdir.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        a = np.asarray(Image.open(img).convert("L"))
        h = a.shape[0]
        body = a[int(h * BODY_BAND[0]): int(h * BODY_BAND[1])]
        rows = np.flatnonzero((body < INK_LEVEL).any(axis=1))
        out.append(0.0 if rows.size == 0 else (rows[-1] - rows[0] + 1) / body.shape[0])
    return out


def _collapse(text: str) -> str:
    return " ".join(text.split())


def page_problems(number: int, body_text: str, headings: list[str], ink_extent: float,
                  min_chars: int = MIN_PAGE_CHARS, full_page: float = FULL_PAGE_FIGURE) -> list[str]:
    """What is wrong with one PDF page, from its body text, its headings and its printed area.

    Parameters
    ----------
    number : int
        Page number (1 is the cover, which is not checked).
    body_text : str
        The page's text without running header and page number.
    headings : list of str
        The headings that the PDF's bookmarks place on this page.
    ink_extent : float
        Share of the body's height between the first and last printed row.

    Returns
    -------
    list of str
        "holds only a heading", "ends with the heading ..." (its text starts on the next page)
        and "holds only N characters of text" (unless a full-page figure).
    """
    if number == 1:
        return []
    text = _collapse(body_text)
    figure_page = ink_extent >= full_page
    rest = text
    for h in headings:
        rest = rest.replace(_collapse(h), " ", 1)
    rest = _collapse(rest)
    out = []
    if headings and not rest and not figure_page:
        out.append(f"page {number} holds only a heading ({'; '.join(headings)!r})")
        return out
    last = next((h for h in headings if text.endswith(_collapse(h))), None)
    if last is not None and rest:
        out.append(f"page {number} ends with the heading {last!r}; its text starts on the next page")
    if len(text) < min_chars and not figure_page:
        out.append(f"page {number} holds only {len(text)} characters of text ({text[:80]!r}), "
                   f"and its printed area spans {ink_extent:.0%} of the page body (not a full-page figure)")
    return out


def pdf_page_problems(path: Path, workdir: Path) -> list[str]:
    """:func:`page_problems` for every page of a PDF, each line starting with the file name."""
    texts = pdf_body_texts(path)
    outline = pdf_outline(path)
    extents = pdf_ink_extents(path, workdir)
    assert len(texts) == len(extents), f"{path.name}: {len(texts)} pages of text, {len(extents)} images"
    out = []
    for number, (text, extent) in enumerate(zip(texts, extents), start=1):
        out += [f"{path.name}: {p}" for p in page_problems(number, text, outline.get(number, []), extent)]
    return out
