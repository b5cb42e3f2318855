"""A researcher's own notebook becomes a report section; a failing one publishes nothing; a
summary that draws on earlier periods goes stale when they are rendered again.

Throwaway notebooks (report_helpers.write_project): one module-scoped project, tests in file order.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from mutasi_analysis.record import read_record
from mutasi_analysis.reporting import pipeline
from mutasi_analysis.reporting.pipeline import run_report

from report_helpers import PARAMS, make_notebook, write_project

pytestmark = [pytest.mark.render, pytest.mark.slow]
TODAY = dt.date(2026, 11, 28)
TITLE = "Beban kerja loket"


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setattr(pipeline, "code_digest", lambda: "pinned-code-digest")  # others edit the package meanwhile
    p = write_project(tmp_path_factory.mktemp("sections_project"))
    yield p
    mp.undo()


def _run(proj, period="2026-S1", **kw):
    lines: list[str] = []
    outcome = run_report(
        period, region=proj["region"], processed=proj["processed"], reports=proj["reports"],
        notebooks=proj["notebooks"], today=TODAY, out=lines.append, **kw,
    )
    return outcome, lines


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _researcher_notebook(proj, fail=False):
    """What a researcher adds: a tagged parameters cell, a heading, a figure and one record."""
    cells = [
        new_markdown_cell(f"# {TITLE}"),
        new_code_cell("import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n%matplotlib inline\n"
                      "plt.bar(['a', 'b'], [x, x + 1]);"),
    ]
    if fail:
        cells.append(new_code_cell("raise RuntimeError('loket data missing')"))
    cells.append(new_code_cell(
        "from mutasi_analysis.record import record\n"
        "record('07_loket', {'period': period, 'headline': {'antrian': {'label': 'Antrian loket', 'value': 7 * x}}})"))
    return make_notebook(proj["notebooks"] / "07_loket.ipynb", PARAMS, cells)


def test_a_new_notebook_becomes_a_section(proj):
    # The report as it stands, with the parameters of the run below: that run then renders only
    # the new notebook (and the summary, which reads it), not 01_a and 02_b again for a changed x.
    outcome, lines = _run(proj, parameters={"x": 2})
    assert outcome.exit_code == 0, "\n".join(lines)
    _researcher_notebook(proj)
    outcome, lines = _run(proj, parameters={"x": 2})
    assert outcome.exit_code == 0, "\n".join(lines)
    assert "07_loket" in [r.name for r in outcome.runs]
    folder = proj["reports"] / "2026-S1"
    m = json.loads((folder / "manifest.json").read_text())
    entry = m["notebooks"]["07_loket"]
    assert entry["status"] == "ok" and entry["title"] == TITLE and entry["parameters"]["x"] == 2
    html = (folder / "07_loket.html").read_text(encoding="utf-8")
    assert TITLE in html and "<img" in html
    assert read_record(folder / "07_loket.json")["headline"]["antrian"]["value"] == 14
    index = (proj["reports"] / "index.html").read_text(encoding="utf-8")
    assert f'href="2026-S1/07_loket.html">{TITLE}</a>' in index and "Antrian loket" in index
    # The summary expects every notebook of the project and found this one.
    assert read_record(folder / "00_sum.json")["missing"] == []


def test_the_new_section_is_in_the_pdf(proj):
    from tests.conftest import INSTALL_SYSTEM_DEPS, require, require_module

    require_module("weasyprint", "writes the PDF", how_to_fix=INSTALL_SYSTEM_DEPS)
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)", INSTALL_SYSTEM_DEPS)
    from mutasi_analysis.reporting.handover import build_handover, handover_text

    folder = proj["reports"] / "2026-S1"
    made = build_handover(folder, lang="id", pdf=True)
    text = handover_text(folder / made["pdf"])
    assert TITLE in text and "Bagian A" in text
    assert text.index(TITLE) > text.index("Bagian A")  # in notebook order, after 01


def test_a_failing_new_notebook_leaves_the_published_report_untouched(proj):
    folder = proj["reports"] / "2026-S1"
    before = _snapshot(folder)
    _researcher_notebook(proj, fail=True)
    outcome, lines = _run(proj, parameters={"x": 2})
    assert outcome.exit_code == 1 and not outcome.installed
    assert _snapshot(folder) == before
    failed = json.loads((proj["reports"] / "_failed" / "2026-S1" / "manifest.json").read_text())
    e = failed["notebooks"]["07_loket"]
    assert e["error"] == {"ename": "RuntimeError", "evalue": "loket data missing"}
    assert "raise RuntimeError" in e["failed_cell"]["source"]
    out = "\n".join(lines)
    assert "07_loket" in out and f"cell {e['failed_cell']['index']}" in out and "loket data missing" in out
    (proj["notebooks"] / "07_loket.ipynb").unlink()


def test_a_summary_goes_stale_when_an_earlier_period_is_rendered_again(proj):
    # 2025-S2 with x=1: 4 rows x 1. The 2026-S1 summary (rendered above) then draws 4 from it.
    folder = proj["reports"] / "2026-S1"
    assert read_record(folder / "00_sum.json")["past"] == {}
    outcome, _ = _run(proj, "2025-S2", parameters={"x": 1})
    assert outcome.exit_code == 0 and [o.period for o in outcome.later] == ["2026-S1"]
    assert read_record(folder / "00_sum.json")["past"] == {"2025-S2": 4.0}
    assert _run(proj, parameters={"x": 2})[0].runs == []            # nothing changed: up to date
    # Re-render the past period with another number: the later summary is stale and is
    # rendered again right after it, alone; the later period's other sections stay.
    before = _snapshot(folder)
    outcome, lines = _run(proj, "2025-S2", parameters={"x": 5})
    assert outcome.exit_code == 0
    assert [(o.period, [r.name for r in o.runs]) for o in outcome.later] == [("2026-S1", ["00_sum"])]
    assert "2026-S1: its summary draws on 2025-S2" in "\n".join(lines)
    assert read_record(folder / "00_sum.json")["past"] == {"2025-S2": 20.0}
    after = _snapshot(folder)
    assert {n for n in after if after[n] != before.get(n)} >= {"00_sum.json", "manifest.json"}
    assert all(after[n] == before[n] for n in ("01_a.json", "02_b.json", "01_a.html"))
    # Asked for directly, the later period is now up to date.
    assert _run(proj, parameters={"x": 2})[0].runs == []


def test_a_summary_reads_only_its_own_period(proj, tmp_path):
    from mutasi_analysis.record import RecordError, read_sections

    # A record of another period in a period folder is refused, never mixed in.
    shutil.copy(proj["reports"] / "2025-S2" / "01_a.json", tmp_path / "01_a.json")
    with pytest.raises(RecordError, match="2025-S2, not 2026-S1"):
        read_sections(tmp_path, period="2026-S1")
