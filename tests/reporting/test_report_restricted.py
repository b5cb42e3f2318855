"""Lists of people (by pseudonym) never travel with a report.

A section writes them with ``ctx.restricted_path``; ``mutasi report`` publishes them under the
restricted root (folder 0700, files 0600) only when the report is published, never inside the
report folder, never under ``reports/_failed``, never linked from a page or the index.
"""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from nbformat.v4 import new_code_cell

from mutasi_analysis.reporting.pipeline import run_report

from report_helpers import PARAMS, make_notebook, write_project

pytestmark = [pytest.mark.render, pytest.mark.slow]
TODAY = dt.date(2026, 11, 28)
LIST = "kandidat-rotasi-2026-S1.csv"


@pytest.fixture(scope="module")
def proj(tmp_path_factory):
    p = write_project(tmp_path_factory.mktemp("restricted_project"))
    make_notebook(p["notebooks"] / "03_c.ipynb", PARAMS + 'region: str = ""  # region config\n', [
        new_code_cell(
            "from mutasi_analysis.reporting.notebook import report_context\n"
            "ctx = report_context(period, region=region)\n"
            "if fail:\n    raise ValueError('planted failure')\n"
            f"path = ctx.restricted_path({LIST!r})\n"
            "path.write_text('pseudonim,kode_unit\\nP-%d,KEC-ALAK\\n' % x)\n"
            "ctx.say('Daftar kandidat: {f}.', 'Candidates: {f}.', f=path.name)\n"
            "ctx.record('03_c', {'headline': {'n': 1}})"
        ),
    ])
    p["restricted"] = p["root"] / "restricted"
    return p


def _run(proj, **kw):
    old = os.umask(0o022)  # a report job's umask: the report is meant to be read by others
    try:
        return run_report(
            "2026-S1", region=proj["region"], processed=proj["processed"], reports=proj["reports"],
            notebooks=proj["notebooks"], restricted=proj["restricted"], today=TODAY, out=lambda s: None, **kw,
        )
    finally:
        os.umask(old)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_list_goes_to_the_restricted_folder_private_and_unlinked(proj):
    folder = proj["reports"] / "2026-S1"
    folder.mkdir(parents=True)
    (folder / LIST).write_text("left by an older version\n")  # where lists used to be written
    outcome = _run(proj, parameters={"x": 1})
    assert outcome.exit_code == 0 and outcome.installed
    target = proj["restricted"] / "alak" / "2026-S1" / LIST
    assert outcome.restricted == [target]
    assert target.read_text() == "pseudonim,kode_unit\nP-1,KEC-ALAK\n"
    assert _mode(target) == 0o600 and _mode(target.parent) == 0o700
    assert _mode(folder) & 0o005 == 0o005                          # the report itself stays readable
    published = [p.relative_to(folder).as_posix() for p in folder.rglob("*")]
    assert not [p for p in published if LIST in p or ".restricted" in p], published
    pages = [folder / "03_c.html", proj["reports"] / "index.html"]
    for page in pages:
        assert f'href="{LIST}"' not in page.read_text(encoding="utf-8")
        assert "restricted" not in page.read_text(encoding="utf-8")


def test_failed_run_keeps_the_published_list_and_stages_nothing_under_reports(proj):
    target = proj["restricted"] / "alak" / "2026-S1" / LIST
    before = target.read_bytes()
    outcome = _run(proj, parameters={"x": 2, "fail": True}, only="03")
    assert outcome.exit_code == 1 and not outcome.installed and outcome.restricted == []
    assert target.read_bytes() == before
    assert not [p for p in proj["reports"].rglob("*") if ".restricted" in p.parts or p.name == LIST]


def test_rendering_again_replaces_the_list_atomically(proj):
    outcome = _run(proj, parameters={"x": 3}, only="03")
    assert outcome.exit_code == 0
    target = proj["restricted"] / "alak" / "2026-S1" / LIST
    assert target.read_text().endswith("P-3,KEC-ALAK\n") and _mode(target) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [LIST]   # no part files left
